import Dispatch
import Foundation
public import ServiceLifecycle
import Synchronization
public import FlotillaCore
import Logging

/// Group commit: writes enqueued while a transaction is in flight are committed together in
/// the next one, so throughput does not hinge on one commit per change.
///
/// Each batch carries an `afterCommit` closure. They run in enqueue order once their batch is
/// durable (or failed), which is how the hub acknowledges clients, hands assignments to agents
/// and publishes events only after the change is on disk, and always in commit order.
///
/// Commits run on a thread of their own that calls the store synchronously: a lone change
/// costs one wake-up to reach the disk, not a hop through the task pool and another through
/// the database's queue and back (each of them on the path of every round trip).
public final class CommitQueue: Service, Sendable {
    public typealias AfterCommit = @Sendable (Result<Void, any Error>) -> Void

    private struct Pending {
        var writes: [StoreWrite] = []
        var callbacks: [AfterCommit] = []
        /// The commit thread waits on `wake`; whoever clears this signals it.
        var sleeping = false
        var stopped = false
    }

    private let store: any Store
    private let pending = Mutex(Pending())
    private let wake = DispatchSemaphore(value: 0)
    /// Runs callbacks while the commit thread commits the next batch. Serial: commit order.
    private let delivery = DispatchQueue(label: "flotilla.commit.delivery")
    /// Batches handed to `delivery` and not yet delivered. While any are, later batches go
    /// there too, so that callbacks never overtake each other.
    private let delivering = Atomic<Int>(0)
    private let logger: Logger

    public init(store: any Store, logger: Logger = Logger(label: "flotilla.commit")) {
        self.store = store
        self.logger = logger
    }

    /// Queues writes; `afterCommit` runs once they are committed. Never blocks.
    public func enqueue(_ writes: [StoreWrite], afterCommit: @escaping AfterCommit) {
        let signal = pending.withLock { state -> Bool in
            state.writes.append(contentsOf: writes)
            state.callbacks.append(afterCommit)
            defer { state.sleeping = false }
            return state.sleeping
        }
        if signal { wake.signal() }
    }

    /// Queues writes and waits until they are committed.
    public func commit(_ writes: [StoreWrite]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(writes) { continuation.resume(with: $0) }
        }
    }

    /// Commits until a graceful shutdown, then commits what is still queued and returns.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    loop()
                    // The last batches' callbacks may still be on the delivery queue.
                    delivery.async { finished.resume() }
                }
                thread.name = "flotilla.commit"
                thread.start()
            }
        } onGracefulShutdown: {
            let signal = self.pending.withLock { state -> Bool in
                state.stopped = true
                defer { state.sleeping = false }
                return state.sleeping
            }
            if signal { self.wake.signal() }
        }
    }

    private func loop() {
        while let batch = nextBatch() {
            let result = durable(batch.writes)
            // While more is waiting, the delivery queue runs the callbacks and this thread goes
            // on to commit it. When nothing waits, they run here at once: a lone change is
            // not delayed by another wake-up.
            if delivering.load(ordering: .acquiring) == 0 && !hasWaiting() {
                for callback in batch.callbacks { callback(result) }
            } else {
                delivering.add(1, ordering: .relaxed)
                delivery.async { [self] in
                    for callback in batch.callbacks { callback(result) }
                    delivering.subtract(1, ordering: .releasing)
                }
            }
        }
    }

    private func durable(_ writes: [StoreWrite]) -> Result<Void, any Error> {
        do {
            try store.commit(writes)
            return .success(())
        } catch {
            logger.error("commit of \(writes.count) writes failed: \(error)")
            return .failure(error)
        }
    }

    private func hasWaiting() -> Bool {
        pending.withLock { !$0.callbacks.isEmpty }
    }

    /// Waits for work, then takes all of it (the group); nil once stopped with nothing left.
    private func nextBatch() -> (writes: [StoreWrite], callbacks: [AfterCommit])? {
        while true {
            let taken = pending.withLock { state -> (writes: [StoreWrite], callbacks: [AfterCommit])?? in
                if !state.callbacks.isEmpty {
                    defer {
                        state.writes = []
                        state.callbacks = []
                    }
                    return .some((state.writes, state.callbacks))
                }
                if state.stopped { return .some(nil) }
                state.sleeping = true
                return .none
            }
            if let taken { return taken }
            wake.wait()
        }
    }
}
