/// Reading `git diff` output (also `git show`/`format-patch` text, whose commit headers are
/// skipped, and a plain `diff -u` without `diff --git` lines). Git's default `a/` and `b/`
/// prefixes are expected; C-quoted paths (`"a/tab\there"`) are unquoted.
extension UnifiedDiff {
    /// Parses `text`; a hunk whose lines do not match its header, or a combined (merge) diff,
    /// is an `invalid_field` error on `diff` naming the line, and nothing is returned.
    public init(parsing text: String) throws(FlotillaError) {
        var parser = DiffParser(text)
        self.init(files: try parser.parse())
    }
}

struct DiffParser {
    private let lines: [Substring]
    private var index = 0
    private var files: [DiffFile] = []

    init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines.map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    mutating func parse() throws(FlotillaError) -> [DiffFile] {
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("diff --git ") {
                try parseFile(header: line)
            } else if line.hasPrefix("diff --cc ") || line.hasPrefix("diff --combined ") {
                throw failure("a combined (merge) diff is not supported: diff the merge against one parent")
            } else if line.hasPrefix("--- "), index + 1 < lines.count, lines[index + 1].hasPrefix("+++ ") {
                try parseFile(header: nil)
            } else {
                index += 1
            }
        }
        return files
    }

    /// One file: from its `diff --git` line (or its `---` line) to the next file.
    private mutating func parseFile(header: Substring?) throws(FlotillaError) {
        var file = DiffFile(oldPath: nil, newPath: nil)
        if let header {
            let (old, new) = Self.headerPaths(header.dropFirst("diff --git ".count))
            file.oldPath = old
            file.newPath = new
            index += 1
        }
        var sawOldSide = false
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("diff --git ") || line.hasPrefix("diff --cc ") { break }
            if line.hasPrefix("@@ ") {
                file.hunks.append(try parseHunk())
                continue
            }
            // Header lines come before the first hunk; a `---` after hunks starts a plain diff's next file.
            if !file.hunks.isEmpty {
                if line.hasPrefix("--- "), index + 1 < lines.count, lines[index + 1].hasPrefix("+++ ") { break }
                index += 1
                continue
            }
            if header == nil, sawOldSide, line.hasPrefix("--- ") { break }
            index += 1
            if let rest = line.dropping("old mode ") { file.oldMode = String(rest) }
            else if let rest = line.dropping("new mode ") { file.newMode = String(rest) }
            else if let rest = line.dropping("deleted file mode ") { file.change = .deleted; file.oldMode = String(rest) }
            else if let rest = line.dropping("new file mode ") { file.change = .added; file.newMode = String(rest) }
            else if let rest = line.dropping("similarity index ") { file.similarity = Int(rest.dropLast()) }
            else if let rest = line.dropping("rename from ") { file.change = .renamed; file.oldPath = Self.unquote(rest) }
            else if let rest = line.dropping("rename to ") { file.change = .renamed; file.newPath = Self.unquote(rest) }
            else if let rest = line.dropping("copy from ") { file.change = .copied; file.oldPath = Self.unquote(rest) }
            else if let rest = line.dropping("copy to ") { file.change = .copied; file.newPath = Self.unquote(rest) }
            else if line.hasPrefix("Binary files ") || line == "GIT binary patch" { file.isBinary = true }
            else if let rest = line.dropping("--- ") {
                sawOldSide = true
                let path = Self.sidePath(rest, prefix: "a/")
                if path == nil { file.change = .added }
                file.oldPath = path
            } else if let rest = line.dropping("+++ ") {
                let path = Self.sidePath(rest, prefix: "b/")
                if path == nil { file.change = .deleted }
                file.newPath = path
            }
        }
        switch file.change {
        case .added: file.oldPath = nil
        case .deleted: file.newPath = nil
        default: break
        }
        files.append(file)
    }

    /// A hunk: its header, then exactly the lines it counts.
    private mutating func parseHunk() throws(FlotillaError) -> DiffHunk {
        let headerIndex = index
        guard var hunk = Self.hunkHeader(lines[index]) else {
            throw failure("'\(lines[index].prefix(80))' is not a hunk header (@@ -a,b +c,d @@)")
        }
        index += 1
        var oldLeft = hunk.oldCount
        var newLeft = hunk.newCount
        var oldLine = hunk.oldStart
        var newLine = hunk.newStart
        while oldLeft > 0 || newLeft > 0 {
            guard index < lines.count else {
                throw failure("the hunk at line \(headerIndex + 1) ends early: \(oldLeft) old and \(newLeft) new lines missing", line: headerIndex)
            }
            let line = lines[index]
            // Some tools strip the lone space of an empty context line.
            let marker = line.first ?? " "
            let text = String(line.dropFirst())
            switch marker {
            case " " where oldLeft > 0 && newLeft > 0:
                hunk.lines.append(DiffLine(kind: .context, text: text, oldLine: oldLine, newLine: newLine))
                oldLine += 1; newLine += 1; oldLeft -= 1; newLeft -= 1
            case "-" where oldLeft > 0:
                hunk.lines.append(DiffLine(kind: .removed, text: text, oldLine: oldLine, newLine: nil))
                oldLine += 1; oldLeft -= 1
            case "+" where newLeft > 0:
                hunk.lines.append(DiffLine(kind: .added, text: text, oldLine: nil, newLine: newLine))
                newLine += 1; newLeft -= 1
            case "\\":
                break  // "\ No newline at end of file"
            default:
                throw failure("line '\(line.prefix(80))' does not fit the hunk at line \(headerIndex + 1) (\(oldLeft) old and \(newLeft) new lines left)")
            }
            index += 1
        }
        while index < lines.count, lines[index].hasPrefix("\\") { index += 1 }
        return hunk
    }

    /// `@@ -12,3 +12,4 @@ func f()` (a count of 1 may be left out).
    static func hunkHeader(_ line: Substring) -> DiffHunk? {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0] == "@@", parts[3].hasPrefix("@@"),
              parts[1].first == "-", parts[2].first == "+",
              let old = range(parts[1].dropFirst()), let new = range(parts[2].dropFirst()) else { return nil }
        let section = parts[3].dropFirst(2).drop { $0 == " " }
        return DiffHunk(oldStart: old.start, oldCount: old.count, newStart: new.start, newCount: new.count, section: String(section))
    }

    /// Line numbers past this are refused: counting up from them must not overflow.
    static let maxLineNumber = 1 << 40

    private static func range(_ text: Substring) -> (start: Int, count: Int)? {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false)
        guard numbers.count <= 2, let start = Int(numbers[0]), (0...maxLineNumber).contains(start) else { return nil }
        guard numbers.count == 2 else { return (start, 1) }
        guard let count = Int(numbers[1]), (0...maxLineNumber).contains(count) else { return nil }
        return (start, count)
    }

    /// `---`/`+++` path: nil for /dev/null, without the side's prefix and `diff -u`'s tab-separated date.
    static func sidePath(_ text: Substring, prefix: String) -> String? {
        var path = text.first == "\"" ? unquote(text) : String(text.prefix { $0 != "\t" })
        if path == "/dev/null" { return nil }
        if path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
        return path
    }

    /// The two paths of `diff --git a/P b/Q`. Unquoted paths may hold spaces, so the line is
    /// split where its halves name the same file; a rename's `rename from/to` lines override.
    static func headerPaths(_ rest: Substring) -> (String?, String?) {
        if rest.first == "\"", let (first, after) = quotedToken(rest) {
            let second = after.drop { $0 == " " }
            return (stripping(first, "a/"), stripping(second.first == "\"" ? unquote(second) : String(second), "b/"))
        }
        let count = rest.count
        if count % 2 == 1 {
            let left = rest.prefix(count / 2)
            let right = rest.suffix(count / 2)
            if left.hasPrefix("a/"), right.hasPrefix("b/"), left.dropFirst(2) == right.dropFirst(2) {
                return (String(left.dropFirst(2)), String(right.dropFirst(2)))
            }
        }
        if let split = rest.firstRange(of: " b/") {
            return (stripping(String(rest[..<split.lowerBound]), "a/"), String(rest[split.upperBound...]))
        }
        return (String(rest), String(rest))
    }

    private static func stripping(_ path: String, _ prefix: String) -> String {
        path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// A path as git writes it: C-quoted (`"…\t…\303\251"`) when it holds special bytes.
    static func unquote(_ text: Substring) -> String {
        quotedToken(text)?.0 ?? String(text)
    }

    /// The quoted string at the start of `text`, unescaped, and what follows it.
    private static func quotedToken(_ text: Substring) -> (String, Substring)? {
        guard text.first == "\"" else { return nil }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                let rest = text.utf8.dropFirst(i + 1)
                return (String(decoding: out, as: UTF8.self), Substring(rest))
            }
            guard byte == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                out.append(byte); i += 1; continue
            }
            let next = bytes[i + 1]
            if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "7"), i + 3 < bytes.count {
                let digits = bytes[(i + 1)...(i + 3)].map { Int($0) - 48 }
                out.append(UInt8(truncatingIfNeeded: digits[0] * 64 + digits[1] * 8 + digits[2]))
                i += 4
                continue
            }
            let escapes: [UInt8: UInt8] = [
                UInt8(ascii: "t"): 9, UInt8(ascii: "n"): 10, UInt8(ascii: "r"): 13, UInt8(ascii: "a"): 7,
                UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "v"): 11,
            ]
            out.append(escapes[next] ?? next)
            i += 2
        }
        return nil
    }

    private func failure(_ message: String, line: Int? = nil) -> FlotillaError {
        FlotillaError(.invalidField, "The diff is not a unified diff git could have written, at line \((line ?? index) + 1): \(message).", field: "diff")
    }
}

extension Substring {
    /// The rest after `prefix`, or nil when the text does not start with it.
    fileprivate func dropping(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
