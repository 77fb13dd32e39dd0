import Foundation

extension WorktreeTools {
    /// Files bigger than this are not read whole nor searched (the model gets a note).
    static let largestFile = 4 << 20
    static let listLimit = 1000
    static let searchLimit = 200

    func readFile(_ path: String) throws -> String {
        let file = try inside(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { throw ToolRefusal("'\(path)' does not exist") }
        guard !isDirectory.boolValue else { throw ToolRefusal("'\(path)' is a directory: use list_files") }
        let data = try readData(file, path: path)
        guard let text = String(data: data, encoding: .utf8) else { throw ToolRefusal("'\(path)' is not UTF-8 text") }
        return text
    }

    func writeFile(_ path: String, _ content: String) throws -> String {
        let file = try writable(path)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            try content.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw ToolRefusal("cannot write '\(path)': \(error.localizedDescription)")
        }
        return "wrote \(content.utf8.count) bytes to \(confinement.relative(file))"
    }

    func replaceInFile(_ path: String, _ old: String, _ new: String) throws -> String {
        let file = try writable(path)
        guard FileManager.default.fileExists(atPath: file) else { throw ToolRefusal("'\(path)' does not exist") }
        guard let text = String(data: try readData(file, path: path), encoding: .utf8) else { throw ToolRefusal("'\(path)' is not UTF-8 text") }
        let matches = text.ranges(of: old)
        guard matches.count == 1, let range = matches.first else {
            throw ToolRefusal(matches.isEmpty
                ? "the text to replace was not found in '\(path)' (it must match exactly, whitespace included; read the file first)"
                : "the text to replace occurs \(matches.count) times in '\(path)'; include more surrounding text so it occurs once")
        }
        var changed = text
        changed.replaceSubrange(range, with: new)
        try changed.write(toFile: file, atomically: true, encoding: .utf8)
        return "replaced 1 occurrence in \(confinement.relative(file))"
    }

    func listFiles(_ path: String, recursive: Bool) throws -> String {
        let directory = try inside(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolRefusal("'\(path)' is not a directory")
        }
        var lines: [String] = []
        for entry in try entries(of: directory, recursive: recursive) {
            if lines.count == Self.listLimit {
                lines.append("[… more entries not listed]")
                break
            }
            lines.append(confinement.relative(entry.path) + (entry.isDirectory ? "/" : ""))
        }
        return lines.isEmpty ? "(empty)" : lines.joined(separator: "\n")
    }

    func search(_ text: String, in path: String) throws -> String {
        let start = try inside(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: start, isDirectory: &isDirectory) else { throw ToolRefusal("'\(path)' does not exist") }
        let files = isDirectory.boolValue ? try entries(of: start, recursive: true).filter { !$0.isDirectory }.map(\.path) : [start]
        var hits: [String] = []
        search: for file in files {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: file)), data.count <= Self.largestFile,
                  !data.prefix(8192).contains(0), let content = String(data: data, encoding: .utf8) else { continue }
            for (number, line) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(text) {
                if hits.count == Self.searchLimit {
                    hits.append("[… more matches not shown]")
                    break search
                }
                hits.append("\(confinement.relative(file)):\(number + 1): \(line.prefix(300))")
            }
        }
        return hits.isEmpty ? "no matches" : hits.joined(separator: "\n")
    }

    /// A path the model may change: inside the worktree and not in git's own directory (a hook
    /// written there would run with the agent's environment on its next commit).
    func writable(_ path: String) throws -> String {
        let file = try inside(path)
        let relative = confinement.relative(file)
        guard !relative.split(separator: "/").contains(".git") else { throw ToolRefusal("'\(path)' is inside .git, which the tools do not change") }
        return file
    }

    private func readData(_ file: String, path: String) throws -> Data {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        guard size <= Self.largestFile else { throw ToolRefusal("'\(path)' is \(size) bytes, over the \(Self.largestFile >> 20) MiB the tools read; use run_command (head, sed -n)") }
        guard let data = FileManager.default.contents(atPath: file) else { throw ToolRefusal("cannot read '\(path)'") }
        return data
    }

    /// Entries under `directory`, sorted, `.git` left out; links are listed, not followed.
    private func entries(of directory: String, recursive: Bool) throws -> [(path: String, isDirectory: Bool)] {
        var out: [(path: String, isDirectory: Bool)] = []
        var pending = [directory]
        while let current = pending.first {
            pending.removeFirst()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? []
            for name in names.sorted() where name != ".git" {
                let path = current + "/" + name
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                let isDirectory = attributes?[.type] as? FileAttributeType == .typeDirectory
                out.append((path, isDirectory))
                if recursive, isDirectory { pending.append(path) }
            }
            if out.count > Self.listLimit * 10 { break }
        }
        return out
    }
}
