import Dispatch
import Foundation
import ServiceLifecycle
import Synchronization
import FlotillaCore
import FlotillaStore
import Logging

/// Group commit: writes enqueued while a transaction is in flight are committed together in
/// the next one, so throughput does not hinge on one commit per change.
///
/// Each batch carries an `afterCommit` closure. They run in enqueue order once their batch is
/// durable (or failed), which is how the hub acknowledges clients, hands assignments to agents
/// and publishes events only after the change is on disk, and always in commit order.
///
/// With a ``SynchronousStore`` (SQLite), commits run on a thread of their own that calls the
/// store synchronously: a lone change costs one wake-up to reach the disk, not a hop through the
/// task pool and another through the database's queue and back (each of them on the path of
/// every round trip). Any other store is driven by a task that awaits ``Store/commit(_:)`` for
/// each batch, with the same grouping and ordering (docs/store.md).
///
/// A failed commit halts the queue: every batch queued behind it was built on the change that
/// did not commit, so it fails too, without touching the store, until the owner has rebuilt its
/// state from the store and calls ``resume()``.
final class CommitQueue: Service, Sendable {
    typealias AfterCommit = @Sendable (Result<Void, any Error>) -> Void

    private struct Pending {
        var writes: [StoreWrite] = []
        var callbacks: [AfterCommit] = []
        /// The commit thread waits on `wake`; whoever clears this signals it.
        var sleeping = false
        var stopped = false
        /// Set by a failed commit, cleared by ``resume()``: batches taken meanwhile fail.
        var halted: (any Error)?
    }

    private let store: any Store
    /// The store's blocking commit, when it has one: then commits run on a thread.
    private let synchronous: (any SynchronousStore)?
    private let pending = Mutex(Pending())
    /// Wakes the commit thread (synchronous store) …
    private let wake = DispatchSemaphore(value: 0)
    /// … or the commit task (any other store).
    private let wakeups = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    /// Runs callbacks while the commit thread commits the next batch. Serial: commit order.
    private let delivery = DispatchQueue(label: "flotilla.commit.delivery")
    /// Batches handed to `delivery` and not yet delivered. While any are, later batches go
    /// there too, so that callbacks never overtake each other.
    private let delivering = Atomic<Int>(0)
    /// Batches enqueued whose callbacks have not run yet (``pendingCount``).
    private let pendingCallbacks = Atomic<Int>(0)
    private let logger: Logger

    init(store: any Store, logger: Logger = Logger(label: "flotilla.commit")) {
        self.store = store
        self.synchronous = store as? any SynchronousStore
        self.logger = logger
    }

    /// Queues writes; `afterCommit` runs once they are committed. Never blocks.
    func enqueue(_ writes: [StoreWrite], afterCommit: @escaping AfterCommit) {
        pendingCallbacks.add(1, ordering: .relaxed)
        let signal = pending.withLock { state -> Bool in
            state.writes.append(contentsOf: writes)
            state.callbacks.append(afterCommit)
            defer { state.sleeping = false }
            return state.sleeping
        }
        if signal { wakeUp() }
    }

    private func wakeUp() {
        if synchronous != nil {
            wake.signal()
        } else {
            wakeups.continuation.yield()
        }
    }

    /// Queues writes and waits until they are committed.
    func commit(_ writes: [StoreWrite]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(writes) { continuation.resume(with: $0) }
        }
    }

    /// Changes enqueued whose `afterCommit` has not run yet: what the commit queue holds.
    var pendingCount: Int { pendingCallbacks.load(ordering: .relaxed) }

    /// Runs a batch's callbacks in order, each counted as no longer pending as it starts (a
    /// callback may let its producer queue the next change at once: the count stays exact).
    private func run(_ callbacks: [AfterCommit], with result: Result<Void, any Error>) {
        for callback in callbacks {
            pendingCallbacks.subtract(1, ordering: .relaxed)
            callback(result)
        }
    }

    /// Why the queue is halted (the failed commit's error), or nil while it commits.
    var haltedBy: (any Error)? { pending.withLock { $0.halted } }

    /// Takes batches again after a failed commit. Whatever is still queued was built on the
    /// state before the rebuild, so it fails now; later enqueues commit as usual.
    ///
    /// The caller must make sure nothing it enqueues after this call was built on that state
    /// (the hub calls it under its scheduler lock, after replacing the scheduler).
    func resume() {
        let doomed = pending.withLock { state -> (error: any Error, callbacks: [AfterCommit])? in
            guard let error = state.halted else { return nil }
            state.halted = nil
            defer {
                state.writes = []
                state.callbacks = []
            }
            return (error, state.callbacks)
        }
        guard let doomed, !doomed.callbacks.isEmpty else { return }
        delivering.add(1, ordering: .relaxed)
        delivery.async { [self] in
            run(doomed.callbacks, with: .failure(doomed.error))
            delivering.subtract(1, ordering: .releasing)
        }
    }

    /// Commits until a graceful shutdown or cancellation, then commits what is still queued and
    /// returns. Cancellation counts: when the server cannot start (its port is taken) the group
    /// cancels every service, and a queue waiting only for a graceful shutdown held the hub open.
    func run() async throws {
        await withTaskCancellationHandler {
            try? await commitUntilShutdown()
        } onCancel: {
            stop()
        }
    }

    private func commitUntilShutdown() async throws {
        await withGracefulShutdownHandler {
            if let synchronous {
                await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                    let thread = Thread { [self] in
                        loop(synchronous)
                        // The last batches' callbacks may still be on the delivery queue.
                        delivery.async { finished.resume() }
                    }
                    thread.name = "flotilla.commit"
                    thread.start()
                }
            } else {
                await asyncLoop()
                await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                    delivery.async { finished.resume() }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Ends the loop once what is queued is committed.
    private func stop() {
        let signal = pending.withLock { state -> Bool in
            state.stopped = true
            defer { state.sleeping = false }
            return state.sleeping
        }
        if signal { wakeUp() }
    }

    /// The commit thread of a synchronous store.
    private func loop(_ synchronous: any SynchronousStore) {
        while let batch = nextBatch() {
            let result: Result<Void, any Error>
            if let halted = batch.halted {
                result = .failure(halted)
            } else {
                result = durable(batch.writes) { try synchronous.commitSynchronously($0) }
            }
            deliver(batch.callbacks, result)
        }
    }

    /// The commit task of any other store: the same loop, awaiting each commit.
    private func asyncLoop() async {
        var wakeups = self.wakeups.stream.makeAsyncIterator()
        while true {
            switch take() {
            case .stopped:
                return
            case .sleep:
                // Cancelled: commit what is queued, then stop (as on a graceful shutdown).
                if await wakeups.next() == nil { pending.withLock { $0.stopped = true } }
            case .batch(let writes, let callbacks, let halted):
                let result: Result<Void, any Error>
                if let halted {
                    result = .failure(halted)
                } else {
                    do {
                        try await store.commit(writes)
                        result = .success(())
                    } catch {
                        result = failed(writes, error)
                    }
                }
                deliver(callbacks, result)
            }
        }
    }

    /// Runs a batch's callbacks with its result, in commit order.
    private func deliver(_ callbacks: [AfterCommit], _ result: Result<Void, any Error>) {
        // While more is waiting, the delivery queue runs the callbacks and the committer goes
        // on to commit it. When nothing waits, they run here at once: a lone change is not
        // delayed by another wake-up.
        if delivering.load(ordering: .acquiring) == 0 && !hasWaiting() {
            run(callbacks, with: result)
        } else {
            delivering.add(1, ordering: .relaxed)
            delivery.async { [self] in
                run(callbacks, with: result)
                delivering.subtract(1, ordering: .releasing)
            }
        }
    }

    private func durable(_ writes: [StoreWrite], _ commit: ([StoreWrite]) throws -> Void) -> Result<Void, any Error> {
        do {
            try commit(writes)
            return .success(())
        } catch {
            return failed(writes, error)
        }
    }

    /// A failed commit halts the queue (see ``resume()``).
    private func failed(_ writes: [StoreWrite], _ error: any Error) -> Result<Void, any Error> {
        logger.error("commit of \(writes.count) writes failed: \(error)")
        pending.withLock { $0.halted = error }
        return .failure(error)
    }

    private func hasWaiting() -> Bool {
        pending.withLock { !$0.callbacks.isEmpty }
    }

    private enum Taken {
        /// All that is queued (the group). `halted` is set when the queue is halted: the batch
        /// must fail without being written.
        case batch(writes: [StoreWrite], callbacks: [AfterCommit], halted: (any Error)?)
        case stopped
        /// Nothing queued: the committer sleeps until ``wakeUp()``.
        case sleep
    }

    private func take() -> Taken {
        pending.withLock { state -> Taken in
            if !state.callbacks.isEmpty {
                defer {
                    state.writes = []
                    state.callbacks = []
                }
                return .batch(writes: state.writes, callbacks: state.callbacks, halted: state.halted)
            }
            if state.stopped { return .stopped }
            state.sleeping = true
            return .sleep
        }
    }

    /// Waits for work, then takes all of it; nil once stopped with nothing left.
    private func nextBatch() -> (writes: [StoreWrite], callbacks: [AfterCommit], halted: (any Error)?)? {
        while true {
            switch take() {
            case .batch(let writes, let callbacks, let halted): return (writes, callbacks, halted)
            case .stopped: return nil
            case .sleep: wake.wait()
            }
        }
    }
}
