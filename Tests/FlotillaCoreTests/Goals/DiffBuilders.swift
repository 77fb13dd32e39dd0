@testable import FlotillaCore

/// A file of a diff with one hunk: removed lines numbered from 1 on the old side, added ones
/// from `firstNewLine` on the new side.
func changed(_ path: String, _ change: DiffFile.Change = .modified, added: [String] = [], removed: [String] = [], firstNewLine: Int = 1, oldPath: String? = nil) -> DiffFile {
    var lines = removed.enumerated().map { DiffLine(kind: .removed, text: $1, oldLine: $0 + 1, newLine: nil) }
    lines += added.enumerated().map { DiffLine(kind: .added, text: $1, oldLine: nil, newLine: firstNewLine + $0) }
    let hunk = DiffHunk(oldStart: 1, oldCount: removed.count, newStart: firstNewLine, newCount: added.count, lines: lines)
    return DiffFile(
        oldPath: change == .added ? nil : (oldPath ?? path),
        newPath: change == .deleted ? nil : path,
        change: change,
        hunks: lines.isEmpty ? [] : [hunk]
    )
}

func diff(_ files: DiffFile...) -> UnifiedDiff { UnifiedDiff(files: files) }
