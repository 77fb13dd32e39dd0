import FlotillaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Measures the agent loop's own cost per turn, without a model: an in-process transport
/// answers each call at once with a streamed reply (text and one `read_file` call, in the
/// dialect's wire format), so what is timed is the loop — encoding the growing conversation,
/// decoding the stream, dispatching and running the tool, bookkeeping. `flotilla bench agent-loop`.
public struct AgentLoopBenchmark: Sendable {
    public var dialect: ModelDialect
    public var turns: Int
    public var runs: Int

    public init(dialect: ModelDialect = .openai, turns: Int = 50, runs: Int = 5) {
        self.dialect = dialect
        self.turns = max(2, turns)
        self.runs = max(1, runs)
    }

    /// Per-turn figures over all runs, in milliseconds.
    public struct Report: Sendable {
        public var dialect: ModelDialect
        public var turns: Int
        public var runs: Int
        public var meanMs: Double
        public var p50Ms: Double
        public var p99Ms: Double
        public var maxMs: Double
        /// The process's CPU time per turn (user + system): the loop's cost even on a machine
        /// busy with other work, where wall-clock figures include waiting for a core.
        public var cpuMs: Double

        public var json: JSONValue {
            ["dialect": .string(dialect.rawValue), "turns": .int(Int64(turns)), "runs": .int(Int64(runs)),
             "per_turn_ms": ["mean": .double(meanMs), "p50": .double(p50Ms), "p99": .double(p99Ms), "max": .double(maxMs), "cpu": .double(cpuMs)]]
        }

        public var text: String {
            func ms(_ value: Double) -> String { "\((value * 1000).rounded() / 1000) ms" }
            return "agent loop (\(dialect.rawValue), \(turns) turns × \(runs) runs, no model): per turn mean \(ms(meanMs)), p50 \(ms(p50Ms)), p99 \(ms(p99Ms)), max \(ms(maxMs)); CPU \(ms(cpuMs)) a turn"
        }
    }

    public func run() async throws -> Report {
        let worktree = NSTemporaryDirectory() + "flotilla-loop-bench-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: worktree, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        try String(repeating: "let value = 42 // a line of a small source file\n", count: 40).write(toFile: worktree + "/main.swift", atomically: true, encoding: .utf8)
        var samples: [Double] = []
        let cpuStart = Self.cpuSeconds()
        for _ in 0..<runs {
            let transport = InstantTransport(dialect: dialect, toolTurns: turns - 1)
            let settings = ModelSettings(dialect: dialect, model: "bench", baseURL: "http://127.0.0.1:1", maxTurns: turns)
            let loop = AgentLoop(settings: settings, transport: transport, tools: WorktreeTools(worktree: worktree))
            let ledger = LoopLedger(LoopState(system: loop.systemPrompt(), prompt: "Benchmark the loop.", maxTurns: turns))
            let clock = ContinuousClock()
            let stamps = Stamps(clock.now)
            let next = try await loop.run(prompt: "Benchmark the loop.", ledger: ledger, output: AttemptOutput(), usage: nil) { _, message in
                if message.hasPrefix("model turn ") { stamps.add(clock.now) }
            }
            guard case .finished = next else { throw AgentError(.badConfiguration, "the benchmark's loop did not finish") }
            let end = clock.now
            let times = stamps.all.dropFirst() + [end]
            // Turn i runs from its "model turn" progress to the next one's (the last to the end).
            for (start, stop) in zip(times, times.dropFirst()) {
                let elapsed = stop - start
                samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
        }
        let cpuMs = (Self.cpuSeconds() - cpuStart) * 1000 / Double(samples.count)
        samples.sort()
        func quantile(_ q: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * q))] }
        return Report(dialect: dialect, turns: turns, runs: runs, meanMs: samples.reduce(0, +) / Double(samples.count),
                      p50Ms: quantile(0.5), p99Ms: quantile(0.99), maxMs: samples.last ?? 0, cpuMs: cpuMs)
    }

    /// CPU time this process has used, in seconds.
    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// When each turn started.
private final class Stamps: Sendable {
    private let list: Mutex<[ContinuousClock.Instant]>
    init(_ first: ContinuousClock.Instant) { list = Mutex([first]) }
    func add(_ instant: ContinuousClock.Instant) { list.withLock { $0.append(instant) } }
    var all: [ContinuousClock.Instant] { list.withLock { $0 } }
}

/// Answers every call at once: `toolTurns` replies calling `read_file`, then a final answer.
final class InstantTransport: ModelTransport {
    let dialect: ModelDialect
    let toolTurns: Int
    private let served = Mutex(0)

    init(dialect: ModelDialect, toolTurns: Int) {
        self.dialect = dialect
        self.toolTurns = toolTurns
    }

    func post(url: String, headers: [(String, String)], body: [UInt8], onLine: (Substring) throws(ModelCallError) -> Void) async throws {
        let turn = served.withLock { count in
            defer { count += 1 }
            return count
        }
        for line in lines(final: turn >= toolTurns) { try onLine(line[...]) }
    }

    private func lines(final: Bool) -> [String] {
        switch dialect {
        case .openai:
            let head = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"bench","choices":["#
            var out = ["data: " + head + #"{"index":0,"delta":{"role":"assistant","content":"Reading "},"finish_reason":null}]}"#, ""]
            if !final {
                out += ["data: " + head + #"{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\"path\":"}}]},"finish_reason":null}]}"#, "",
                        "data: " + head + #"{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"main.swift\"}"}}]},"finish_reason":null}]}"#, ""]
            }
            out += ["data: " + head + #"{"index":0,"delta":{},"finish_reason":""# + (final ? "stop" : "tool_calls") + #""}]}"#, "",
                    #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"bench","choices":[],"usage":{"prompt_tokens":900,"completion_tokens":30,"total_tokens":930,"prompt_tokens_details":{"cached_tokens":800}}}"#, "",
                    "data: [DONE]", ""]
            return out
        case .ollama:
            var out = [#"{"model":"bench","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"Reading "},"done":false}"#]
            if !final {
                out.append(#"{"model":"bench","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"read_file","arguments":{"path":"main.swift"}}}]},"done":false}"#)
            }
            out.append(#"{"model":"bench","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":900,"eval_count":30}"#)
            return out
        }
    }
}
