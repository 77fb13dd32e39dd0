import Synchronization

/// Changes one agent connection has awaiting commit, bounded: the reader of a connection that
/// reached the bound waits for one to complete before it reads on (TCP or the broker then slows
/// the agent), so one agent cannot make the commit queue grow without bound.
///
/// Below the bound a change costs two atomic operations; the lock is taken only when a reader
/// waits.
final class PendingCommits: Sendable {
    let limit: Int
    private let current = Atomic<Int>(0)
    /// Whether a reader waits (so `end` looks at the lock only then).
    private let waiting = Atomic<Bool>(false)
    private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var count: Int { current.load(ordering: .relaxed) }

    var isFull: Bool { current.load(ordering: .relaxed) >= limit }

    func begin() {
        current.add(1, ordering: .sequentiallyConsistent)
    }

    func end() {
        let now = current.subtract(1, ordering: .sequentiallyConsistent).newValue
        if now < limit, waiting.load(ordering: .sequentiallyConsistent) { wake() }
    }

    /// Returns once fewer than `limit` changes are pending, or the task is cancelled (its
    /// connection is closing: nothing more will be read). One reader at a time.
    func waitForRoom() async {
        guard isFull else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiter.withLock { $0 = continuation }
                waiting.store(true, ordering: .sequentiallyConsistent)
                // A change that ended between the check and the registration saw no waiter;
                // a cancellation before it found none to wake.
                if current.load(ordering: .sequentiallyConsistent) < limit || _Concurrency.Task.isCancelled { wake() }
            }
        } onCancel: {
            wake()
        }
    }

    private func wake() {
        let continuation = waiter.withLock { waiter in
            defer { waiter = nil }
            return waiter
        }
        guard let continuation else { return }
        waiting.store(false, ordering: .sequentiallyConsistent)
        continuation.resume()
    }
}
