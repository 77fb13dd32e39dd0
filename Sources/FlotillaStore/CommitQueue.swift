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
///
/// A failed commit halts the queue: every batch queued behind it was built on the change that
/// did not commit, so it fails too, without touching the store, until the owner has rebuilt its
/// state from the store and calls ``resume()``.
public final class CommitQueue: Service, Sendable {
    public typealias AfterCommit = @Sendable (Result<Void, any Error>) -> Void

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

    /// Why the queue is halted (the failed commit's error), or nil while it commits.
    public var haltedBy: (any Error)? { pending.withLock { $0.halted } }

    /// Takes batches again after a failed commit. Whatever is still queued was built on the
    /// state before the rebuild, so it fails now; later enqueues commit as usual.
    ///
    /// The caller must make sure nothing it enqueues after this call was built on that state
    /// (the hub calls it under its scheduler lock, after replacing the scheduler).
    public func resume() {
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
            for callback in doomed.callbacks { callback(.failure(doomed.error)) }
            delivering.subtract(1, ordering: .releasing)
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
            let result: Result<Void, any Error>
            if let halted = batch.halted {
                result = .failure(halted)
            } else {
                result = durable(batch.writes)
                if case .failure(let error) = result { pending.withLock { $0.halted = error } }
            }
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
    /// `halted` is set when the queue is halted: the batch must fail without being written.
    private func nextBatch() -> (writes: [StoreWrite], callbacks: [AfterCommit], halted: (any Error)?)? {
        while true {
            let taken = pending.withLock { state -> (writes: [StoreWrite], callbacks: [AfterCommit], halted: (any Error)?)?? in
                if !state.callbacks.isEmpty {
                    defer {
                        state.writes = []
                        state.callbacks = []
                    }
                    return .some((state.writes, state.callbacks, state.halted))
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
