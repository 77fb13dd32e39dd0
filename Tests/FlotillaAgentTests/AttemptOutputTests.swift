@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// The agent's per-attempt output buffer: bounded, rate-limited, gaps said in one line each;
/// and Claude Code's stream-json turned into readable lines.
@Suite struct AttemptOutputTests {
    static func append(_ output: AttemptOutput, _ text: String) {
        Array(text.utf8).withUnsafeBytes { output.append($0) }
    }

    static func drain(_ output: AttemptOutput) -> String {
        var all = ""
        while let frame = output.take() { all += frame }
        return all
    }

    @Test func aSlowLinkDropsTheOldestBytesAndSaysHowManyInOneLine() {
        let output = AttemptOutput(limits: .init(bufferBytes: 1024, bytesPerSecond: 1 << 30, frameBytes: 1 << 20))
        for index in 0..<100 { Self.append(output, "line \(String(format: "%03d", index)) ........\n") }
        let text = Self.drain(output)
        let lines = text.split(separator: "\n")
        let notice = try? #require(lines.first)
        #expect(notice?.hasPrefix("[flotilla: ") == true && notice?.hasSuffix(" bytes of output skipped]") == true, "\(text)")
        // What is kept is the newest output, whole lines, ending with the last line printed.
        #expect(lines.last == "line 099 ........")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("line ") })
        #expect(text.utf8.count <= 1024 + 64)
        let skipped = Int(notice?.split(separator: " ")[1] ?? "") ?? -1
        #expect(skipped == output.skippedBytes)
        #expect(skipped + (lines.count - 1) * 18 == 100 * 18)
    }

    @Test func bytesOverTheRateAreSkippedAndCounted() {
        let output = AttemptOutput(limits: .init(bufferBytes: 1 << 20, bytesPerSecond: 4096, frameBytes: 1 << 20))
        let line = { (index: Int) in "line \(String(format: "%03d", index)) " + String(repeating: "x", count: 90) + "\n" }
        for index in 0..<100 { Self.append(output, line(index)) }
        output.close()
        let text = Self.drain(output)
        // One second's burst gets through in whole lines, then a counted gap, then the last
        // lines, which are sent whatever the rate. On a slow machine the bucket may refill enough
        // for a line in the middle: then there are two gaps, each counted, none of 0 bytes.
        let lines = text.split(separator: "\n").map(String.init)
        #expect(text.hasPrefix(line(0)))
        #expect(text.hasSuffix(line(99)))
        let notices = lines.filter { $0.hasPrefix("[flotilla: ") }
        let counted = notices.map { Int($0.split(separator: " ")[1]) ?? -1 }
        #expect(!counted.isEmpty && counted.allSatisfy { $0 > 0 && $0 % 100 == 0 }, "\(notices)")
        #expect(counted.reduce(0, +) == output.skippedBytes)
        #expect((lines.count - notices.count) * 100 + output.skippedBytes == 10_000)
    }

    @Test func framesEndOnWholeCharactersAndAtMostTheFrameSize() {
        let output = AttemptOutput(limits: .init(bufferBytes: 1 << 20, bytesPerSecond: 1 << 30, frameBytes: 1024))
        let text = String(repeating: "é€😀", count: 400)
        Self.append(output, text)
        var frames: [String] = []
        while let frame = output.take() { frames.append(frame) }
        #expect(frames.count > 1)
        #expect(frames.allSatisfy { $0.utf8.count <= 1024 && !$0.contains("\u{FFFD}") })
        #expect(frames.joined() == text)
    }

    @Test func claudeStreamJSONBecomesReadableLines() {
        let tool = #"{"type":"assistant","message":{"content":[{"type":"text","text":"I will run the tests."},{"type":"tool_use","name":"Bash","input":{"command":"swift test --filter Output"}}]}}"#
        #expect(ClaudeOutputLines.lines(for: tool) == ["I will run the tests.", "▸ Bash(swift test --filter Output)"])
        let result = #"{"type":"user","message":{"content":[{"type":"tool_result","content":"one\ntwo\nthree\nfour\nfive"}]}}"#
        #expect(ClaudeOutputLines.lines(for: result) == ["  ⎿ one", "    two", "    three", "    … 2 more lines"])
        let failed = #"{"type":"user","message":{"content":[{"type":"tool_result","is_error":true,"content":[{"type":"text","text":"no such file"}]}]}}"#
        #expect(ClaudeOutputLines.lines(for: failed) == ["  ⎿ error: no such file"])
        let done = #"{"type":"result","subtype":"success","num_turns":2,"total_cost_usd":0.0123,"result":"ok"}"#
        #expect(ClaudeOutputLines.lines(for: done) == ["● claude finished: success (2 turns, $0.0123)"])
        #expect(ClaudeOutputLines.lines(for: "plain stderr text") == ["plain stderr text"])
    }

    @Test func theClaudeExecutorStreamsReadableLinesNotJSON() async throws {
        let workdir = Paths.temporaryDirectory()
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: ClaudeExecutorTests.settings)], workdir: workdir)
        let output = AttemptOutput()
        let report = await runner.run(.make(["type": "code.generate", "prompt": "Write the notes FAKE_WRITE:notes.txt=hello"]), stop: StopSignal(), output: output) { _, _ in }
        guard case .complete? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        let text = Self.drain(output)
        #expect(text.contains("▸ Write(notes.txt)"), "\(text)")
        #expect(text.contains("● claude finished: success"), "\(text)")
        #expect(!text.contains("{\"type\""), "\(text)")
    }
}
