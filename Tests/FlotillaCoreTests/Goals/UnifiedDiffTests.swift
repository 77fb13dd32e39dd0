import Foundation
import Testing
@testable import FlotillaCore

@Suite("Unified diff parsing")
struct UnifiedDiffTests {
    @Test("real git output: modified, added, deleted, renamed, binary, mode change, quoted path")
    func realGit() throws {
        let repo = try GitScratch()
        defer { repo.remove() }
        let body = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try repo.write("src/main.swift", body)
        try repo.write("old/name.txt", (1...20).map { "keep \($0)" }.joined(separator: "\n") + "\n")
        try repo.write("gone.txt", "bye\n")
        try repo.write("tool.sh", "echo hi\n")
        try repo.commitAll()

        var lines = body.split(separator: "\n").map(String.init)
        lines[9] = "line 10 changed"
        lines.insert("inserted after 20", at: 20)
        try repo.write("src/main.swift", lines.joined(separator: "\n") + "\n")
        try FileManager.default.removeItem(at: repo.root.appendingPathComponent("gone.txt"))
        try FileManager.default.createDirectory(at: repo.root.appendingPathComponent("new"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: repo.root.appendingPathComponent("old/name.txt"), to: repo.root.appendingPathComponent("new/name.txt"))
        try repo.write("docs/a b\tc.md", "# tab\n")
        try repo.write("logo.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02, 0x00]))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.root.appendingPathComponent("tool.sh").path)
        let text = try repo.stagedDiff()

        let diff = try UnifiedDiff(parsing: text)
        let byPath = Dictionary(uniqueKeysWithValues: diff.files.map { ($0.path, $0) })
        #expect(Set(byPath.keys) == ["src/main.swift", "gone.txt", "new/name.txt", "docs/a b\tc.md", "logo.png", "tool.sh"], "\(text)")

        let main = try #require(byPath["src/main.swift"])
        #expect(main.change == .modified)
        #expect(main.addedLines.map(\.newLine) == [10, 21])
        #expect(main.addedLines.map(\.text) == ["line 10 changed", "inserted after 20"])
        #expect(main.removedLines.map(\.oldLine) == [10])
        #expect(main.removedLines.map(\.text) == ["line 10"])

        let gone = try #require(byPath["gone.txt"])
        #expect(gone.change == .deleted)
        #expect(gone.newPath == nil && gone.oldPath == "gone.txt")
        #expect(gone.removedLines.map(\.text) == ["bye"])

        let renamed = try #require(byPath["new/name.txt"])
        #expect(renamed.change == .renamed)
        #expect(renamed.oldPath == "old/name.txt")
        #expect(renamed.similarity == 100)
        #expect(renamed.hunks.isEmpty)

        let quoted = try #require(byPath["docs/a b\tc.md"])
        #expect(quoted.change == .added)
        #expect(quoted.oldPath == nil)
        #expect(quoted.addedLines.map(\.newLine) == [1])

        let binary = try #require(byPath["logo.png"])
        #expect(binary.isBinary)
        #expect(binary.change == .added)

        let mode = try #require(byPath["tool.sh"])
        #expect(mode.oldMode == "100644" && mode.newMode == "100755")
        #expect(mode.hunks.isEmpty)

        #expect(diff.addedLineCount == 3)
        #expect(diff.removedLineCount == 2)
    }

    @Test("a removed line that reads '--- x' and an added '+++ y' stay inside their hunk; no newline at end")
    func markersInsideHunks() throws {
        let text = """
        diff --git a/notes.md b/notes.md
        index 1111111..2222222 100644
        --- a/notes.md
        +++ b/notes.md
        @@ -1,2 +1,2 @@ Title
         keep
        --- old rule
        \\ No newline at end of file
        +++ new rule
        \\ No newline at end of file
        """
        let diff = try UnifiedDiff(parsing: text)
        #expect(diff.files.count == 1)
        let file = diff.files[0]
        #expect(file.hunks.count == 1)
        #expect(file.hunks[0].section == "Title")
        #expect(file.removedLines.map(\.text) == ["-- old rule"])
        #expect(file.addedLines.map(\.text) == ["++ new rule"])
        #expect(file.addedLines.map(\.newLine) == [2])
    }

    @Test("a plain diff -u without 'diff --git' lines, with dates after the paths, and commit headers skipped")
    func plainDiff() throws {
        let text = """
        From 123 Mon Sep 17 00:00:00 2001
        Subject: [PATCH] x

        --- a/one.txt\t2024-01-01 00:00:00
        +++ b/one.txt\t2024-01-02 00:00:00
        @@ -1 +1,2 @@
         a
        +b
        --- /dev/null
        +++ b/two.txt
        @@ -0,0 +1 @@
        +new
        """
        let diff = try UnifiedDiff(parsing: text)
        #expect(diff.files.map(\.path) == ["one.txt", "two.txt"])
        #expect(diff.files[0].addedLines.map(\.newLine) == [2])
        #expect(diff.files[1].change == .added)
        #expect(diff.files[1].addedLines.map(\.text) == ["new"])
    }

    @Test("a hunk shorter than its header, a line that fits no hunk, a bad header and a combined diff are refused at their line")
    func malformed() throws {
        let short = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n"
        let error = caught { try UnifiedDiff(parsing: short) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == "diff")
        #expect(error?.message.contains("at line 3") == true)
        #expect(error?.message.contains("ends early: 1 old and 1 new lines missing") == true)

        let stray = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n*oops\n"
        #expect(caught { try UnifiedDiff(parsing: stray) }?.message.contains("line '*oops' does not fit the hunk at line 3") == true)
        #expect(caught { try UnifiedDiff(parsing: "--- a/x\n+++ b/x\n@@ -a +1 @@\n") }?.code == .invalidField)
        #expect(caught { try UnifiedDiff(parsing: "diff --cc f.txt\n") }?.message.contains("combined") == true)
        #expect(try UnifiedDiff(parsing: "").files.isEmpty)
    }
}
