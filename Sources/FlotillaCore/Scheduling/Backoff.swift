/// Exponential backoff with jitter between a task's attempts.
public struct Backoff: Sendable, Hashable {
    /// Delay before the second attempt, in seconds.
    public var base: Double
    /// Upper bound on any delay, in seconds.
    public var cap: Double
    /// Fraction of the delay that is randomised: 0.5 means a delay in [d/2, d].
    public var jitter: Double

    public init(base: Double = 1, cap: Double = 300, jitter: Double = 0.5) {
        self.base = base
        self.cap = cap
        self.jitter = min(1, max(0, jitter))
    }

    /// The undelayed exponential step after `failures` failed attempts (1-based).
    public func ceiling(afterFailures failures: Int) -> Double {
        let exponent = Double(max(0, failures - 1))
        return min(cap, base * pow2(exponent))
    }

    /// The delay to wait after `failures` failed attempts, with jitter drawn from `random`.
    public func delay(afterFailures failures: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let ceiling = ceiling(afterFailures: failures)
        return ceiling * (1 - jitter * min(1, max(0, random)))
    }

    private func pow2(_ exponent: Double) -> Double {
        exponent >= 64 ? .infinity : Double(UInt64(1) << UInt64(min(exponent, 62)))
    }
}
