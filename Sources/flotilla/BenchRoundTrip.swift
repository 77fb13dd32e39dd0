import FlotillaClient
import FlotillaCore
import Foundation
import EventLoopExecutors
import NIOPosix

/// Phase two of the benchmark: one task at a time, from submit to its completion arriving on
/// the submitter's event stream.
struct BenchRoundTrip {
    let client: HubClient
    let count: Int

    func run() async throws -> [Double] {
        guard count > 0 else { return [] }
        let run = UUID().uuidString.prefix(8)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let agent = BenchAgentSocket(url: client.socketURL, token: client.token, agentID: "bench-rt-\(run)", roles: ["bench-rt"], concurrency: 1)
                try await agent.run(ready: {}, completed: {})
            }
            // The submitter reads the event stream itself: a completion reaches it without
            // passing through another task.
            var completions = client.events(types: ["task.succeeded"]).makeAsyncIterator()
            // Let the stream and the agent settle before timing.
            try await _Concurrency.Task.sleep(for: .milliseconds(300))
            // On an event loop, as a latency-minded client would run: the HTTP client then
            // opens its connection on this loop, and a response resumes the submitter on the
            // thread that read it instead of waking another.
            let loop = EventLoopTaskExecutor(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
            let latencies = try await withTaskExecutorPreference(loop) {
                var latencies: [Double] = []
                latencies.reserveCapacity(count)
                for _ in 0..<count {
                    let start = ContinuousClock.now
                    let task = try await client.submit(["type": "bench.noop", "role": "bench-rt"], minimal: true)
                    guard let id = task["id"]?.stringValue else { continue }
                    while let done = try await completions.next(), done.json["task_id"]?.stringValue != id {}
                    latencies.append((ContinuousClock.now - start).seconds)
                }
                return latencies
            }
            group.cancelAll()
            return latencies
        }
    }
}

/// The benchmark's figures, as text or JSON.
struct BenchReport {
    let throughput: BenchThroughput.Result
    let latencies: [Double]

    func percentile(_ q: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }

    var submittedPerSecond: Double { Double(throughput.submitted) / throughput.submitSeconds }
    var completedPerSecond: Double { Double(throughput.completed) / throughput.drainSeconds }

    var text: String {
        """
        submitted/s: \(Int(submittedPerSecond))   (\(throughput.submitted) in \(String(format: "%.2f", throughput.submitSeconds)) s)
        completed/s: \(Int(completedPerSecond))   (\(throughput.completed) drained in \(String(format: "%.2f", throughput.drainSeconds)) s from first submit)
        round trip (n=\(latencies.count)): p50 \(String(format: "%.3f", percentile(0.5) * 1000)) ms, p99 \(String(format: "%.3f", percentile(0.99) * 1000)) ms
        """
    }

    func json(tasks: Int, agents: Int, concurrency: Int, batch: Int) -> JSONValue {
        [
            "tasks": .int(Int64(tasks)), "agents": .int(Int64(agents)), "concurrency": .int(Int64(concurrency)), "batch": .int(Int64(batch)),
            "submitted_per_second": .double(submittedPerSecond),
            "completed_per_second": .double(completedPerSecond),
            "round_trip_ms": ["p50": .double(percentile(0.5) * 1000), "p99": .double(percentile(0.99) * 1000), "n": .int(Int64(latencies.count))],
        ]
    }
}
