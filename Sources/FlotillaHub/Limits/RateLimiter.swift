import FlotillaCore
import FlotillaEngine
import Foundation
import Synchronization

/// One token bucket per API token: each request takes one; an empty bucket answers
/// `429 rate_limited` with `Retry-After`.
final class RateLimiter: Sendable {
    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: TokenBucket]>([:])
    /// Buckets untouched this long are full again and are dropped, so the map stays small.
    private let idleForget: Double

    init(limits: HubLimits) {
        rate = limits.requestsPerSecond
        burst = limits.burst
        idleForget = limits.requestsPerSecond > 0 ? max(60, limits.burst / limits.requestsPerSecond) : .infinity
    }

    /// Takes `cost` requests from the token's bucket, or throws `rate_limited` saying how long to wait.
    func admit(_ identity: Identity, cost: Int = 1, now: Double = ProcessInfo.processInfo.systemUptime) throws(RateLimited) {
        let key = identity.tokenID
        let wait = buckets.withLock { buckets -> Double? in
            if buckets.count > 4_096 { buckets = buckets.filter { now - $0.value.updatedAt < idleForget } }
            var bucket = buckets[key] ?? TokenBucket(rate: rate, capacity: burst, now: now)
            defer { buckets[key] = bucket }
            return bucket.take(Double(cost), now: now)
        }
        if let wait { throw RateLimited(retryAfter: wait, rate: rate) }
    }
}

/// A request over its token's rate: the error and how long to wait before the next one.
struct RateLimited: Error {
    let retryAfter: Double
    let rate: Double

    /// Whole seconds for `Retry-After` (at least 1: the header has no fractions).
    var retryAfterSeconds: Int { retryAfter.isFinite ? max(1, Int(retryAfter.rounded(.up))) : 3600 }

    var error: FlotillaError {
        FlotillaError(.rateLimited, "This token is over its rate of \(rate.formatted()) requests a second; retry after \(retryAfterSeconds) s.")
    }
}

