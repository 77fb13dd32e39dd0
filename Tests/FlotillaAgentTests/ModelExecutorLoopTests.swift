@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// The model executor in process, with the benchmark's instant transport standing in for the
/// server: usage is reported call by call and adds up to the outcome's cost; a stop ends a call
/// in flight; the benchmark itself runs.
@Suite struct ModelExecutorLoopTests {
    final class Deltas: Sendable {
        let list = Mutex<[Cost]>([])
    }

    /// A server that never answers (until the call is cancelled).
    struct SilentTransport: ModelTransport {
        func post(url: String, headers: [(String, String)], body: [UInt8], onLine: (Substring) throws(ModelCallError) -> Void) async throws {
            try await Task.sleep(for: .seconds(600))
        }
    }

    static func request(_ directory: String, _ task: JSONValue = ["prompt": "Do it."]) -> ExecutionRequest {
        ExecutionRequest(assignment: .make(task), prompt: "Do it.", workingDirectory: directory, timeout: nil)
    }

    static func worktree() throws -> String {
        let directory = Paths.temporaryDirectory("loop")
        try "let value = 42\n".write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
        return directory
    }

    @Test(arguments: [ModelDialect.openai, .ollama])
    func eachCallsUsageIsReportedAndAddsUpToTheCost(dialect: ModelDialect) async throws {
        let settings = ModelSettings(dialect: dialect, model: "m", baseURL: "http://127.0.0.1:1", priceIn: 2, priceOut: 10)
        let executor = ModelExecutor(settings: settings, transport: InstantTransport(dialect: dialect, toolTurns: 3))
        let deltas = Deltas()
        var request = Self.request(try Self.worktree())
        request.usage = UsageMeter { cost in deltas.list.withLock { $0.append(cost) } }
        let outcome = try await executor.execute(request, stop: StopSignal()) { _, _ in }
        #expect(outcome.succeeded, "\(outcome.error ?? "")")
        let reported = deltas.list.withLock { $0 }
        #expect(reported.count == 4)
        #expect(reported.allSatisfy { $0.tokensIn == 900 && $0.tokensOut == 30 })
        let total = reported.reduce(Cost(), +)
        #expect(outcome.cost?.tokensIn == total.tokensIn && outcome.cost?.tokensOut == total.tokensOut)
        #expect(abs((outcome.cost?.usd ?? 0) - total.usd) < 1e-12)
        #expect(abs(total.usd - 4 * (900 * 2.0 + 30 * 10.0) / 1_000_000) < 1e-12)
        #expect(outcome.details["num_turns"] == 4)
        #expect(outcome.details["tool_calls"] == 3)
    }

    @Test func aStopEndsACallInFlight() async throws {
        let settings = ModelSettings(dialect: .openai, model: "m", baseURL: "http://127.0.0.1:1")
        let executor = ModelExecutor(settings: settings, transport: SilentTransport())
        let stop = StopSignal()
        async let outcome = executor.execute(Self.request(try Self.worktree()), stop: stop) { _, _ in }
        try await Task.sleep(for: .milliseconds(100))
        // Timed from the stop (the silent call would last forever): from the start it also
        // counted the run's setup, which took most of 13 s on a loaded machine.
        let stopped = ContinuousClock.now
        stop.fire(.cancelled)
        let ended = try await outcome
        #expect(ended.stopped == .cancelled)
        #expect(!ended.succeeded)
        #expect(ContinuousClock.now - stopped < .seconds(20))
    }

    @Test func theTimeoutEndsARunThatTakesTooLong() async throws {
        let settings = ModelSettings(dialect: .ollama, model: "m", baseURL: "http://127.0.0.1:1")
        let executor = ModelExecutor(settings: settings, transport: SilentTransport())
        var request = Self.request(try Self.worktree())
        request.timeout = .milliseconds(200)
        let outcome = try await executor.execute(request, stop: StopSignal()) { _, _ in }
        #expect(outcome.timedOut)
        #expect(outcome.error?.hasPrefix("timeout") == true)
    }

    @Test func theBenchmarkMeasuresEveryTurn() async throws {
        let report = try await AgentLoopBenchmark(dialect: .ollama, turns: 10, runs: 2).run()
        #expect(report.turns == 10 && report.runs == 2)
        #expect(report.p50Ms > 0 && report.p50Ms <= report.p99Ms && report.p99Ms <= report.maxMs)
        #expect(report.json["per_turn_ms"]?["mean"]?.doubleValue != nil)
    }
}
