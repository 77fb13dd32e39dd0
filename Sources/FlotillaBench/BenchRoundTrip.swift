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
            var completions = client.events(types: [EventKind.taskSucceeded.rawValue]).makeAsyncIterator()
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
