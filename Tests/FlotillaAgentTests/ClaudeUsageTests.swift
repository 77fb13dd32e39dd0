@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// What the claude executor reports to the usage meter while it runs, and Claude Code's usage
/// limit, against the fake `claude` (Claude Code's stream-json lines).
@Suite struct ClaudeUsageTests {
    @Test func eachAPIMessageIsStreamedOnceEvenWhenItsLinesRepeatItsUsage() async throws {
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: LLMSettings(binary: Paths.fakeClaude))], workdir: Paths.temporaryDirectory())
        let spent = Mutex<[(Cost, String)]>([])
        let report = await runner.run(.make(["prompt": "Think FAKE_TURNS:2:0"]), stop: StopSignal(), spending: { cost, executor in
            spent.withLock { $0.append((cost, executor)) }
        }) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        let deltas = spent.withLock { $0 }
        // Four API messages (opening text, two turns of two lines each, the answer): 12 + 100
        // input tokens and 40 output tokens each; a turn's second line adds only its growth.
        #expect(deltas.count == 6)
        #expect(deltas.allSatisfy { $0.1 == "claude" && $0.0.usd == 0 })
        #expect(deltas.map(\.0.tokensIn).reduce(0, +) == 4 * 112)
        #expect(deltas.map(\.0.tokensOut).reduce(0, +) == 4 * 40)
        // The final cost is Claude Code's own figure, which the hub puts in place of the sum.
        #expect(result["cost"]?["usd"] == 0.0123)
        #expect(result["cost"]?["cached_tokens"] == 50)
    }

    @Test func aUsageLimitReleasesTheAttemptAndSaysWhenItResets() async throws {
        let runner = AttemptRunner.testing([ClaudeExecutor(settings: LLMSettings(binary: Paths.fakeClaude))], workdir: Paths.temporaryDirectory())
        let resets = Mutex<Double?>(nil)
        let before = Timestamp.now()
        let report = await runner.run(.make(["prompt": "Go FAKE_USAGE_LIMIT:3600"]), stop: StopSignal(), usageLimit: { at in resets.withLock { $0 = at } }) { _, _ in }
        let after = Timestamp.now()
        guard case .release(let reason)? = report else { throw TestFailure("expected release, got \(String(describing: report))") }
        let at = try #require(resets.withLock { $0 })
        // An hour from when the fake ran, somewhere between before and after the run (which took
        // over 10 s on a loaded machine, so a bar from `before` alone was missed).
        #expect(at > before + 3590 && at < after + 3610, "resets \(at - before) s after the run began")
        #expect(reason?.contains("claude usage limit reached; it resets at \(Timestamp.iso8601(at))") == true)
    }

    @Test func aShellTaskReportsItsModelSpendingWithUsageLines() async throws {
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory())
        let spent = Mutex<[Cost]>([])
        let command = #"echo '::flotilla-usage {"usd":0.01,"input_tokens":10,"output_tokens":2,"model":"m"}'; echo work; echo '::flotilla-usage {"usd":0.02,"input_tokens":20}'; echo '::flotilla-usage not json'"#
        let report = await runner.run(.make(["payload": ["command": .string(command)]]), stop: StopSignal(), spending: { cost, _ in spent.withLock { $0.append(cost) } }) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        #expect(spent.withLock { $0.map(\.usd) } == [0.01, 0.02])
        #expect(result["cost"]?["usd"]?.doubleValue.map { abs($0 - 0.03) < 1e-12 } == true)
        #expect(result["cost"]?["tokens_in"] == 30)
        #expect(result["model"] == "m")
    }
}

/// Codex's rate-limit notices, as its issues quote them (openai/codex), read into a reset time.
@Suite struct CodexUsageLimitTests {
    @Test func itsAPIErrorGivesTheResetTime() {
        let error = #"ERROR: {"type":"error","error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_at":1777936568,"resets_in_seconds":13872},"status_code":429}"#
        #expect(UsageLimitNotice.codexReset(in: error, now: 1_777_922_696) == 1_777_936_568)
        #expect(UsageLimitNotice.codexReset(in: #"{"error":{"type":"usage_limit_reached","resets_in_seconds":600}}"#, now: 1000) == 1600)
    }

    @Test func itsNoticeGivesTheWaitOrTheFallback() {
        #expect(UsageLimitNotice.codexReset(in: "You've hit your usage limit. Upgrade to Pro, or try again in 2 hours 5 minutes.", now: 0) == 7500)
        #expect(UsageLimitNotice.codexReset(in: "You've hit your usage limit. Try again in 30 seconds.", now: 10) == 40)
        #expect(UsageLimitNotice.codexReset(in: "You've hit your usage limit. Upgrade your plan to continue, or try again at Jul 10th, 2026 11:52 AM.", now: 0) == UsageLimitNotice.fallbackPause)
        #expect(UsageLimitNotice.codexReset(in: "error: tests failed", now: 0) == nil)
    }
}
