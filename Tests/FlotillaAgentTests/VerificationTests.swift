import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// Self-verification: checks run after the executor; an LLM executor gets corrective runs that
/// quote the failing check.
@Suite struct VerificationTests {
    static let claude = ClaudeExecutor(settings: LLMSettings(binary: Paths.fakeClaude))

    @Test func aFailingCheckIsFixedByACorrectiveRun() async throws {
        let workdir = Paths.temporaryDirectory()
        let log = workdir + "/args.log"
        var settings = Self.claude.settings
        settings.environment = ["FAKE_CLAUDE_LOG": log]
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: settings)], workdir: workdir)
        let report = await runner.run(.make([
            "prompt": "Set the status FAKE_WRITE:status.txt=broken FAKE_FIX:status.txt=ok",
            "verify": ["grep -qx ok status.txt", "echo second check"],
        ]), stop: StopSignal()) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        #expect(result["verification"]?["passed"] == true)
        #expect(result["verification"]?["fix_rounds"] == 1)
        #expect(result["verification"]?["checks"]?.arrayValue?.count == 2)
        // Both runs are paid for.
        #expect(result["cost"]?["usd"] == 0.0246)
        let runs = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(runs.count == 2)
        #expect(runs[1].contains("grep -qx ok status.txt"))
        #expect(runs[1].contains("--resume"))
    }

    @Test func aCheckThatStaysFailingFailsTheTaskWithItsOutput() async throws {
        let runner = AttemptRunner.testing([Self.claude], workdir: Paths.temporaryDirectory())
        let report = await runner.run(.make([
            "prompt": "Try FAKE_WRITE:status.txt=broken",
            "verify": ["echo checking >&2; grep -qx ok status.txt", "echo never runs"],
            "payload": ["fix_attempts": 2],
        ]), stop: StopSignal()) { _, _ in }
        guard case .fail(let error, let retryable, let result)? = report else { throw TestFailure("expected fail, got \(String(describing: report))") }
        #expect(retryable)
        #expect(error.contains("verification failed: `echo checking >&2; grep -qx ok status.txt`"))
        #expect(error.contains("after 2 corrective run(s)"))
        let checks = try #require(result?["verification"]?["checks"]?.arrayValue)
        #expect(checks[0]["passed"] == false)
        #expect(checks[0]["exit_code"] == 1)
        #expect(checks[0]["output_tail"] == "checking\n")
        #expect(checks[1]["skipped"] == true)
        #expect(result?["verification"]?["fix_rounds"] == 2)
    }

    @Test func aShellTaskGetsNoCorrectiveRun() async throws {
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory())
        let report = await runner.run(.make(["payload": ["command": "true"], "verify": ["false"]]), stop: StopSignal()) { _, _ in }
        guard case .fail(_, _, let result)? = report else { throw TestFailure("expected fail") }
        #expect(result?["verification"]?["fix_rounds"] == 0)
        #expect(result?["verification"]?["passed"] == false)
    }
}
