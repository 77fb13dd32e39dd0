import FlotillaCore
@testable import FlotillaEngine
import FlotillaStore
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Issue 20 item 6: a failed commit halts the queue. Batches queued behind it were built on the
/// change that failed, so they fail too without reaching the store, until `resume()`.
@Suite(.timeLimit(.minutes(1))) struct CommitQueueHaltTests {
    @Test func batchesAfterAFailedCommitFailUnwrittenUntilResumed() async throws {
        let directory = NSTemporaryDirectory() + "flotilla-halt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(configuration: .init(path: directory + "/flotilla.sqlite"))
        let queue = CommitQueue(store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(services: [queue], logger: Logger(label: "test"))
        func event(_ seq: Int64) -> StoreWrite { .appendEvent(EventRecord(seq: seq, type: "test.commit", ts: 1)) }

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await queue.commit([event(1)])
            // A real failure: seq 1 is taken (the events' primary key), so the whole batch rolls back.
            await #expect(throws: (any Error).self) { try await queue.commit([event(2), event(1)]) }
            #expect(queue.haltedBy != nil)
            // Built on the failed batch: refused, and nothing of it is written.
            await #expect(throws: (any Error).self) { try await queue.commit([event(3)]) }
            #expect(try await store.events(after: 0, limit: 10).map(\.seq) == [1])

            // The owner rebuilt its state from the store: commits go on.
            queue.resume()
            try await queue.commit([event(4)])
            #expect(queue.haltedBy == nil)
            #expect(try await store.events(after: 0, limit: 10).map(\.seq) == [1, 4])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
