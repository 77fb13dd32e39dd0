import FlotillaClient
import FlotillaCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Phase one of the benchmark: batch submission and draining by WebSocket agents.
struct BenchThroughput {
    let client: HubClient
    /// The run's sizes (tasks, agents × concurrency, batches and submitters in flight).
    let settings: Benchmark

    struct Result: Sendable {
        var submitSeconds: Double
        var drainSeconds: Double
        var submitted: Int
        var completed: Int
    }

    func run() async throws -> Result {
        let (tasks, agents, concurrency, batch, submitters) = (settings.tasks, settings.agents, settings.concurrency, settings.batch, settings.submitters)
        let completed = BenchCounter()
        let (allDone, doneContinuation) = AsyncStream.makeStream(of: Void.self)
        let (readyAgents, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let target = tasks
        let run = UUID().uuidString.prefix(8)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<agents {
                group.addTask {
                    var agent = BenchAgentSocket(url: client.socketURL, token: client.token, agentID: "bench-\(run)-\(index)", roles: ["bench"], concurrency: concurrency)
                    agent.results = settings.results
                    try await agent.run(ready: { readyContinuation.yield() }) {
                        if completed.increment() == target { doneContinuation.yield() }
                    }
                }
            }
            var readyIterator = readyAgents.makeAsyncIterator()
            for _ in 0..<agents { _ = await readyIterator.next() }

            let start = ContinuousClock.now
            let batches = stride(from: 0, to: tasks, by: batch).map { min(batch, tasks - $0) }
            // Written once: the benchmark measures the hub, not the client's JSON encoder.
            let fullBatch = Self.batchBody(count: batch)
            let next = BenchCounter()
            try await withThrowingTaskGroup(of: Void.self) { submitting in
                for _ in 0..<submitters {
                    submitting.addTask {
                        while true {
                            let index = next.increment() - 1
                            guard index < batches.count else { return }
                            let body = batches[index] == batch ? fullBatch : Self.batchBody(count: batches[index])
                            let (status, text) = try await client.raw(.POST, "/api/tasks", body: body, headers: HubClient.preferring(minimal: true), timeout: .seconds(300))
                            guard status == 201 else { throw BenchFailure(message: "a batch submission answered \(status): \(text)") }
                        }
                    }
                }
                try await submitting.waitForAll()
            }
            let submitted = ContinuousClock.now
            var doneIterator = allDone.makeAsyncIterator()
            _ = await doneIterator.next()
            let drained = ContinuousClock.now
            group.cancelAll()
            return Result(
                submitSeconds: (submitted - start).seconds,
                drainSeconds: (drained - start).seconds,
                submitted: tasks,
                completed: completed.value
            )
        }
    }
}

extension BenchThroughput {
    /// A batch of no-op tasks as request text.
    static func batchBody(count: Int) -> String {
        JSONValue.array(Array(repeating: ["type": "bench.noop", "role": "bench"], count: count)).jsonString
    }
}

/// A benchmark run that cannot go on.
struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A counter shared by the benchmark's concurrent agents and submitters.
final class BenchCounter: Sendable {
    private let count = Mutex(0)

    /// Adds one and returns the new count.
    func increment() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }

    var value: Int { count.withLock { $0 } }
}
