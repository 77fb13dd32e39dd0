import Synchronization

/// First-come-first-served exclusive access per key, so commands to one pane run one at a time
/// and in the order they were queued.
///
/// Waiting is cancellable: a cancelled waiter leaves the line at once (throwing
/// `CancellationError`) and the key passes on to the next one, so a command cancelled while
/// queued never holds up the commands behind it.
final class SerialGate: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var held: Set<String> = []
        var waiting: [String: [Waiter]] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Runs `body` once every earlier caller with the same key has finished.
    func run<Result: Sendable>(_ key: String, _ body: () async throws -> Result) async throws -> Result {
        try await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Bool? in
                    // Checked under the lock: a cancellation handler that ran before this point
                    // found nothing to remove, so the flag is what tells.
                    if Task.isCancelled { return false }
                    if state.held.contains(key) {
                        state.waiting[key, default: []].append(Waiter(id: id, continuation: continuation))
                        return nil
                    }
                    state.held.insert(key)
                    return true
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard var queue = state.waiting[key], let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
                let waiter = queue.remove(at: index)
                state.waiting[key] = queue.isEmpty ? nil : queue
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// How many callers wait for `key` (not counting the one holding it).
    func waiting(_ key: String) -> Int {
        state.withLock { $0.waiting[key]?.count ?? 0 }
    }

    private func release(_ key: String) {
        let next = state.withLock { state -> Waiter? in
            if var queue = state.waiting[key], !queue.isEmpty {
                let next = queue.removeFirst()
                state.waiting[key] = queue.isEmpty ? nil : queue
                return next  // ownership passes straight to the next waiter
            }
            state.held.remove(key)
            return nil
        }
        next?.continuation.resume()
    }
}
