import FlotillaCore
@testable import FlotillaEngine
import FlotillaStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Group commit on a real SQLite file: what the hub's acknowledgements and deliveries rely on.
@Suite(.timeLimit(.minutes(1))) struct CommitQueueTests {
    /// Producers on several threads enqueue while commits are in flight, so later batches
    /// commit while earlier callbacks run. Callbacks must still run once each and in enqueue
    /// order, each reporting success, and every change must be in the store.
    @Test func callbacksRunOnceInEnqueueOrderAfterTheirCommit() async throws {
        let directory = NSTemporaryDirectory() + "flotilla-commits-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(configuration: .init(path: directory + "/flotilla.sqlite"))
        let queue = CommitQueue(store: store)
        let group = ServiceGroup(services: [queue], logger: Logger(label: "test"))

        let producers = 4
        let perProducer = 400
        let total = producers * perProducer
        let record = Record()
        let (done, finished) = AsyncStream.makeStream(of: Void.self)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<producers {
                tasks.addTask {
                    for _ in 0..<perProducer {
                        // Numbered under one lock with the enqueue, so the numbers are the
                        // enqueue order.
                        record.enqueued.withLock { last in
                            last += 1
                            let seq = last
                            let event = EventRecord(seq: seq, type: "test.commit", ts: 1, data: ["n": .int(seq)])
                            queue.enqueue([.appendEvent(event)]) { result in
                                if case .failure = result { record.failures.withLock { $0 += 1 } }
                                let count = record.seen.withLock { seen in
                                    seen.append(seq)
                                    return seen.count
                                }
                                if count == total { finished.yield() }
                            }
                        }
                        await Task.yield()
                    }
                }
            }
            var iterator = done.makeAsyncIterator()
            await iterator.next()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        #expect(record.failures.withLock { $0 } == 0)
        let seen = record.seen.withLock { $0 }
        #expect(seen.count == total, "every callback ran once")
        let misplaced = seen.enumerated().first { $0.offset + 1 != $0.element }
        #expect(misplaced == nil, "callbacks ran out of enqueue order at \(String(describing: misplaced))")
        let stored = try await store.events(after: 0, limit: total + 10)
        #expect(stored.count == total && stored.last?.seq == Int64(total), "every change committed")
    }

    /// What the producers and callbacks share.
    private final class Record: Sendable {
        let enqueued = Mutex<Int64>(0)
        let seen = Mutex<[Int64]>([])
        let failures = Mutex(0)
    }
}
