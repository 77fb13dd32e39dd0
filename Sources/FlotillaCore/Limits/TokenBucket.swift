/// A token bucket: `rate` tokens a second flow in up to `capacity`; each request takes one.
///
/// Pure value logic (the caller passes the time), so the hub keeps one per API token under a
/// lock and tests can drive it with any clock.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let capacity: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Double

    /// A full bucket at `now`.
    public init(rate: Double, capacity: Double, now: Double) {
        self.rate = rate
        self.capacity = max(1, capacity)
        self.tokens = self.capacity
        self.updatedAt = now
    }

    /// Takes `cost` tokens at `now`: nil when granted, else the seconds until they are
    /// available (a cost above the capacity is capped to it, so it can always pass eventually).
    public mutating func take(_ cost: Double = 1, now: Double) -> Double? {
        refill(now: now)
        let cost = min(cost, capacity)
        if tokens >= cost {
            tokens -= cost
            return nil
        }
        return rate > 0 ? (cost - tokens) / rate : .infinity
    }

    private mutating func refill(now: Double) {
        // A clock that steps back never adds tokens, and never removes them either.
        let elapsed = max(0, now - updatedAt)
        tokens = min(capacity, tokens + elapsed * rate)
        updatedAt = max(updatedAt, now)
    }
}
