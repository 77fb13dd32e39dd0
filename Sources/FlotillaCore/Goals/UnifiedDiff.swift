/// A parsed `git diff` (unified format): the files it changes, each with its hunks and lines
/// numbered on both sides. Risk classification and secret scanning read it; made by
/// ``init(parsing:)``.
public struct UnifiedDiff: Sendable, Hashable {
    public var files: [DiffFile]

    public init(files: [DiffFile]) { self.files = files }

    /// Lines added over all files.
    public var addedLineCount: Int { files.reduce(0) { $0 + $1.addedLines.count } }
    /// Lines removed over all files.
    public var removedLineCount: Int { files.reduce(0) { $0 + $1.removedLines.count } }
}

/// One file of a diff.
public struct DiffFile: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable, Codable, CaseIterable {
        case added, deleted, modified, renamed, copied
    }

    /// The path before the change, nil for a new file (paths are relative, without git's
    /// `a/` and `b/` prefixes).
    public var oldPath: String?
    /// The path after the change, nil for a deleted file.
    public var newPath: String?
    public var change: Change
    /// Git said "Binary files … differ" (or sent a binary patch): no lines to read.
    public var isBinary: Bool
    /// For a rename or copy: git's similarity index, in percent.
    public var similarity: Int?
    public var oldMode: String?
    public var newMode: String?
    public var hunks: [DiffHunk]

    public init(oldPath: String?, newPath: String?, change: Change = .modified, isBinary: Bool = false, hunks: [DiffHunk] = []) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.change = change
        self.isBinary = isBinary
        self.similarity = nil
        self.oldMode = nil
        self.newMode = nil
        self.hunks = hunks
    }

    /// The path that names the file: the new one, or the old one of a deleted file.
    public var path: String { newPath ?? oldPath ?? "" }

    public var addedLines: [DiffLine] { hunks.flatMap { $0.lines.filter { $0.kind == .added } } }
    public var removedLines: [DiffLine] { hunks.flatMap { $0.lines.filter { $0.kind == .removed } } }
}

/// One `@@ -a,b +c,d @@` hunk.
public struct DiffHunk: Sendable, Hashable {
    public var oldStart: Int
    public var oldCount: Int
    public var newStart: Int
    public var newCount: Int
    /// What follows the second `@@` (git's function context), trimmed.
    public var section: String
    public var lines: [DiffLine]

    public init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int, section: String = "", lines: [DiffLine] = []) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
        self.section = section
        self.lines = lines
    }
}

/// One line of a hunk, with its number in the old file (context and removed lines) and in the
/// new file (context and added lines): findings point at the new side.
public struct DiffLine: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case context, added, removed
    }

    public var kind: Kind
    /// The line without its leading ` `, `+` or `-` (and without a trailing carriage return).
    public var text: String
    public var oldLine: Int?
    public var newLine: Int?

    public init(kind: Kind, text: String, oldLine: Int?, newLine: Int?) {
        self.kind = kind
        self.text = text
        self.oldLine = oldLine
        self.newLine = newLine
    }
}
