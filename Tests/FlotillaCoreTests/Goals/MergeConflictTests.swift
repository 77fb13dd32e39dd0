import FlotillaCore
import Foundation
import Testing

/// The conflict quote a fix task's prompt carries, read from a file real git left conflicted.
@Suite struct MergeConflictTests {
    @Test func quotesBothSidesOfEachConflictWithContextAndLineNumbers() throws {
        let scratch = try GitScratch()
        defer { scratch.remove() }
        let lines = (1...20).map { "line \($0)" }
        try scratch.write("notes.txt", lines.joined(separator: "\n") + "\n")
        try scratch.commitAll("base")
        try scratch.git("checkout", "-q", "-b", "step")
        var theirs = lines
        theirs[4] = "line 5 from the step"
        theirs[15] = "line 16 from the step"
        try scratch.write("notes.txt", theirs.joined(separator: "\n") + "\n")
        try scratch.commitAll("step")
        try scratch.git("checkout", "-q", "main")
        var ours = lines
        ours[4] = "line 5 on the goal branch"
        ours[15] = "line 16 on the goal branch"
        try scratch.write("notes.txt", ours.joined(separator: "\n") + "\n")
        try scratch.commitAll("goal")
        #expect(throws: (any Error).self) { try scratch.git("merge", "step") }
        let text = try String(contentsOf: scratch.root.appendingPathComponent("notes.txt"), encoding: .utf8)

        let quote = try #require(MergeConflict.hunks(in: text, file: "notes.txt", ours: "goal branch G", theirs: "step branch S", context: 2))
        #expect(quote == """
            notes.txt, line 5 on goal branch G:
            line 3
            line 4
            <<<<<<< goal branch G
            line 5 on the goal branch
            =======
            line 5 from the step
            >>>>>>> step branch S
            line 6
            line 7

            notes.txt, line 16 on goal branch G:
            line 14
            line 15
            <<<<<<< goal branch G
            line 16 on the goal branch
            =======
            line 16 from the step
            >>>>>>> step branch S
            line 17
            line 18

            """)
        #expect(MergeConflict.hunks(in: "no markers\n", file: "x", ours: "o", theirs: "t") == nil)
    }

    @Test func boundedCutsLongQuotesAndSaysHowMuch() {
        #expect(MergeConflict.bounded("short", limit: 10) == "short")
        #expect(MergeConflict.bounded(String(repeating: "x", count: 15), limit: 10) == "xxxxxxxxxx\n… (5 more characters left out)")
    }
}
