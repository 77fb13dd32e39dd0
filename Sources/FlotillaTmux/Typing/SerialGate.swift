import Synchronization

/// First-come-first-served exclusive access per key, so commands to one pane run one at a time
/// and in the order they were queued.
final class SerialGate: Sendable {
    private struct State {
        var held: Set<String> = []
        var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    /// Runs `body` once every earlier caller with the same key has finished.
    func run<Result: Sendable>(_ key: String, _ body: () async throws -> Result) async throws -> Result {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.held.contains(key) {
                    state.waiting[key, default: []].append(continuation)
                    return false
                }
                state.held.insert(key)
                return true
            }
            if now { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if var queue = state.waiting[key], !queue.isEmpty {
                let next = queue.removeFirst()
                state.waiting[key] = queue.isEmpty ? nil : queue
                return next  // ownership passes straight to the next waiter
            }
            state.held.remove(key)
            return nil
        }
        next?.resume()
    }
}
