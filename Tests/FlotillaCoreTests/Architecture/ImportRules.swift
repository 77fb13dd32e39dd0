import Foundation

/// The import rules of docs/architecture.md, read from its table, and a check of the sources
/// against them. The table is the only place the rules are written: this reads it, it does not
/// repeat it.
struct ImportRules {
    /// What each target may import, by target name; `everyTarget` may be imported anywhere.
    var allowed: [String: Set<String>]
    var everyTarget: Set<String>
    /// The targets in the table's order, lowest layer first.
    var order: [String]

    /// The row that names what every target may import.
    static let everyTargetRow = "every target"

    /// A target or a file that breaks the rules.
    struct Violation: Equatable, CustomStringConvertible {
        var file: String
        var line: Int
        var module: String
        var target: String

        var description: String {
            "\(file):\(line): \(target) imports \(module), which its row in docs/architecture.md does not allow"
        }
    }

    /// Reads the first table of `markdown` whose header has a "Target" and a "May import"
    /// column. A row's target is the first name in its Target cell; what it may import, every
    /// name in its May import cell (names in backticks or plain, separated by commas).
    init(markdown: String) throws {
        var allowed: [String: Set<String>] = [:]
        var everyTarget: Set<String> = []
        var order: [String] = []
        var columns: (target: Int, imports: Int)?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("|") else {
                if columns != nil, !allowed.isEmpty { break }
                continue
            }
            let cells = text.dropFirst().split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let found = columns else {
                let lowered = cells.map { $0.lowercased() }
                if let target = lowered.firstIndex(of: "target"), let imports = lowered.firstIndex(of: "may import") {
                    columns = (target, imports)
                }
                continue
            }
            guard cells.count > max(found.target, found.imports), !cells[found.target].hasPrefix("-") else { continue }
            let modules = Set(Self.names(in: cells[found.imports]))
            let targetCell = cells[found.target].replacingOccurrences(of: "*", with: "").lowercased()
            if targetCell == Self.everyTargetRow {
                everyTarget = modules
            } else if let target = Self.names(in: cells[found.target]).first {
                allowed[target] = modules
                order.append(target)
            }
        }
        guard !allowed.isEmpty else {
            throw RulesMissing(description: "no table with 'Target' and 'May import' columns in docs/architecture.md")
        }
        self.allowed = allowed
        self.everyTarget = everyTarget
        self.order = order
    }

    struct RulesMissing: Error, CustomStringConvertible { var description: String }

    /// Every module `sources` (a Sources folder: one folder per target) imports against the rules:
    /// an import the target's row does not allow, and a target folder with no row at all (named
    /// by its folder, line 0). A row whose folder does not exist is no violation.
    func violations(sources: URL) throws -> [Violation] {
        let files = FileManager.default
        var found: [Violation] = []
        let targets = try files.contentsOfDirectory(atPath: sources.path).filter { name in
            var isDirectory: ObjCBool = false
            return files.fileExists(atPath: sources.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
        for target in targets {
            let folder = sources.appendingPathComponent(target)
            guard let mayImport = allowed[target] else {
                found.append(Violation(file: "Sources/\(target)", line: 0, module: "anything", target: target))
                continue
            }
            let permitted = mayImport.union(everyTarget).union([target])
            let enumerator = files.enumerator(atPath: folder.path)
            while let relative = enumerator?.nextObject() as? String {
                guard relative.hasSuffix(".swift") else { continue }
                let text = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
                for (line, module) in Self.imports(in: text) where !permitted.contains(module) {
                    found.append(Violation(file: "Sources/\(target)/\(relative)", line: line, module: module, target: target))
                }
            }
        }
        return found.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    /// The modules a Swift file imports, with their line numbers: `import X`, `public import X`,
    /// `@testable import X`, `@preconcurrency import X`, `import struct X.Y` (module X).
    static func imports(in source: String) -> [(line: Int, module: String)] {
        let kinds: Set<String> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]
        let modifiers: Set<String> = ["public", "package", "internal", "fileprivate", "private"]
        var result: [(Int, String)] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            while let first = words.first, first.hasPrefix("@") || modifiers.contains(first) { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            var name = words[1]
            if kinds.contains(name), words.count >= 3 { name = words[2] }
            if let module = name.split(separator: ".").first { result.append((index + 1, String(module))) }
        }
        return result
    }

    /// The Swift names in a table cell: `NIOCore`, NIOCore and "NIOCore (ByteBuffer)" all give
    /// NIOCore; words in parentheses are a remark, not a module.
    static func names(in cell: String) -> [String] {
        var text = cell
        while let open = text.firstIndex(of: "("), let close = text[open...].firstIndex(of: ")") {
            text.removeSubrange(open...close)
        }
        return text.split(separator: ",").compactMap { part in
            let name = part.trimmingCharacters(in: CharacterSet(charactersIn: " `*"))
            guard let first = name.first, first.isLetter || first == "_",
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
            return name
        }
    }
}
