import Synchronization

/// Spaces out commands per key (pane) to at most `perSecond`.
public final class RateLimiter: Sendable {
    private let interval: Duration
    private let next = Mutex([String: ContinuousClock.Instant]())

    public init(perSecond: Double) {
        interval = perSecond > 0 ? .nanoseconds(Int64(1e9 / perSecond)) : .zero
    }

    /// Waits for `key`'s next slot and takes it.
    public func acquire(_ key: String) async throws {
        let slot = next.withLock { next -> ContinuousClock.Instant in
            let now = ContinuousClock.now
            let slot = max(now, next[key] ?? now)
            next[key] = slot + interval
            return slot
        }
        if slot > .now { try await Task.sleep(until: slot, clock: .continuous) }
    }
}
