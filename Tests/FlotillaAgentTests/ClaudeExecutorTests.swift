@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// The claude executor against the fake `claude` in Fixtures, which prints Claude Code's
/// documented stream-json lines.
@Suite struct ClaudeExecutorTests {
    static let settings = LLMSettings(binary: Paths.fakeClaude, model: "claude-test", allowedTools: ["Read", "Edit"], permissionMode: "acceptEdits")

    @Test func aSuccessfulRunCarriesSessionCostAndProgress() async throws {
        let workdir = Paths.temporaryDirectory()
        let log = workdir + "/claude-args.log"
        var settings = Self.settings
        settings.environment = ["FAKE_CLAUDE_LOG": log]
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: settings)], workdir: workdir)
        let messages = Mutex<[String]>([])
        let report = await runner.run(.make(["type": "code.generate", "prompt": "Write the notes FAKE_WRITE:notes.txt=hello"]), stop: StopSignal()) { _, message in
            messages.withLock { $0.append(message) }
        }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        #expect(result["status"] == "succeeded")
        #expect(result["executor"] == "claude")
        #expect(result["summary"] == "Done: notes.txt")
        #expect(result["session_id"]?.stringValue?.count == 36)
        #expect(result["num_turns"] == 2)
        #expect(result["cost"]?["usd"] == 0.0123)
        #expect(result["cost"]?["tokens_in"] == .int(24 + 100 + 50))
        #expect(result["cost"]?["tokens_out"] == 80)
        #expect(result["model"] == "claude-test")
        #expect(try String(contentsOfFile: workdir + "/notes.txt", encoding: .utf8) == "hello\n")
        let seen = messages.withLock { $0 }
        #expect(seen.contains { $0.hasPrefix("claude session ") })
        #expect(seen.contains { $0 == "tool: Write notes.txt" })
        let argv = try String(contentsOfFile: log, encoding: .utf8)
        #expect(argv.contains(#""--output-format", "stream-json", "--verbose""#))
        #expect(argv.contains(#""--allowedTools", "Read,Edit""#))
        #expect(argv.contains(#""--permission-mode", "acceptEdits""#))
        #expect(!argv.contains("--dangerously-skip-permissions"))
    }

    @Test func aFailedRunIsAFailureWithItsSessionAndCost() async throws {
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: Self.settings)], workdir: Paths.temporaryDirectory())
        let report = await runner.run(.make(["prompt": "FAKE_FAIL please"]), stop: StopSignal()) { _, _ in }
        guard case .fail(let error, let retryable, let result)? = report else { throw TestFailure("expected fail, got \(String(describing: report))") }
        #expect(retryable)
        #expect(error.contains("exit code 1") || error.contains("error_during_execution"))
        #expect(result?["claude_subtype"] == "error_during_execution")
        #expect(result?["session_id"]?.stringValue?.isEmpty == false)
        #expect(result?["cost"]?["usd"] == 0.0123)
    }

    @Test func autoApproveIsPassedOnlyWhenConfigured() {
        var settings = Self.settings
        #expect(!ClaudeExecutor(settings: settings).arguments(prompt: "p", resume: nil).contains("--dangerously-skip-permissions"))
        settings.autoApprove = true
        let argv = ClaudeExecutor(settings: settings).arguments(prompt: "p", resume: "s-1")
        #expect(argv.contains("--dangerously-skip-permissions"))
        #expect(argv.starts(with: [Paths.fakeClaude, "-p", "--output-format", "stream-json", "--verbose", "--resume", "s-1"]))
        #expect(argv.suffix(2) == ["--", "p"])
    }

    @Test func parserIgnoresNoiseAndReadsTheResultLine() {
        var parser = ClaudeStreamParser()
        #expect(parser.consume("not json") == nil)
        #expect(parser.consume(#"{"type":"system","subtype":"init","session_id":"abc","model":"m"}"#) == "claude session abc started (m)")
        #expect(parser.consume(#"{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{"command":"swift test"}}]},"session_id":"abc"}"#) == "tool: Bash swift test")
        _ = parser.consume(#"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":9,"session_id":"abc","total_cost_usd":1.5,"usage":{"input_tokens":10,"output_tokens":5}}"#)
        #expect(parser.final?.isError == true)
        #expect(parser.final?.numTurns == 9)
        #expect(parser.final?.cost == Cost(tokensIn: 10, tokensOut: 5, usd: 1.5))
    }
}
