import Synchronization

/// Why a running attempt is being stopped from outside its process.
public enum StopReason: String, Sendable, Hashable {
    /// The hub cancelled the attempt (cancel, timeout or lease expiry on its side).
    case cancelled
    /// The agent is shutting down and gives the attempt back.
    case released
}

/// Stops an attempt: the executor's process group is killed when it fires.
public typealias StopSignal = OneShot<StopReason>

/// A value set once; waiters resume when it is.
public final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Sets the value; the first one wins.
    public func fire(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    public var reason: Value? { state.withLock { $0.value } }

    /// Waits until the value is set; returns nil if the waiting task is cancelled first.
    public func wait() async -> Value? {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
