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
public final class CommitQueue: Service, Sendable {
    public typealias AfterCommit = @Sendable (Result<Void, any Error>) -> Void

    private struct Pending {
        var writes: [StoreWrite] = []
        var callbacks: [AfterCommit] = []
        var waiter: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    private let store: any Store
    private let pending = Mutex(Pending())
    private let logger: Logger

    public init(store: any Store, logger: Logger = Logger(label: "flotilla.commit")) {
        self.store = store
        self.logger = logger
    }

    /// Queues writes; `afterCommit` runs once they are committed. Never blocks.
    public func enqueue(_ writes: [StoreWrite], afterCommit: @escaping AfterCommit) {
        let waiter = pending.withLock { state -> CheckedContinuation<Void, Never>? in
            state.writes.append(contentsOf: writes)
            state.callbacks.append(afterCommit)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Queues writes and waits until they are committed.
    public func commit(_ writes: [StoreWrite]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(writes) { continuation.resume(with: $0) }
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            let waiter = self.pending.withLock { state in
                state.stopped = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    private func loop() async {
        while let batch = await nextBatch() {
            var committed = (callbacks: batch.callbacks, result: await durable(batch.writes))
            // While more is waiting, commit it while the last batch's callbacks run, so the
            // writer is not idle during delivery. When nothing waits, the callbacks run at
            // once: a lone change is not delayed.
            while let next = takeWaiting() {
                async let result = durable(next.writes)
                for callback in committed.callbacks { callback(committed.result) }
                committed = (next.callbacks, await result)
            }
            for callback in committed.callbacks { callback(committed.result) }
        }
    }

    private func durable(_ writes: [StoreWrite]) async -> Result<Void, any Error> {
        do {
            try await store.commit(writes)
            return .success(())
        } catch {
            logger.error("commit of \(writes.count) writes failed: \(error)")
            return .failure(error)
        }
    }

    /// Takes what was enqueued since the last batch without waiting; nil when nothing was.
    private func takeWaiting() -> (writes: [StoreWrite], callbacks: [AfterCommit])? {
        pending.withLock { state in
            guard !state.callbacks.isEmpty else { return nil }
            defer {
                state.writes = []
                state.callbacks = []
            }
            return (state.writes, state.callbacks)
        }
    }

    /// Waits for work, then takes all of it (the group); nil once stopped with nothing left.
    private func nextBatch() async -> (writes: [StoreWrite], callbacks: [AfterCommit])? {
        while true {
            if let taken = takeWaiting() { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = pending.withLock { state -> Bool in
                    if !state.callbacks.isEmpty || state.stopped { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            if pending.withLock({ $0.stopped && $0.callbacks.isEmpty }) { return nil }
        }
    }
}
