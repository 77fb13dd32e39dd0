import DequeModule

/// Recent completions: rate over a sliding window and latency percentiles (submit → done).
public struct CompletionStats: Sendable {
    private var finishedAt: Deque<Double> = []
    private var latencies: Deque<Double> = []
    /// Seconds of history behind the completion rate. Default 10.
    public var window: Double = 10
    /// Latencies kept for percentiles. Default 10,000.
    public var sampleLimit: Int = 10_000

    public init() {}

    public mutating func record(latency: Double, at now: Double) {
        finishedAt.append(now)
        latencies.append(latency)
        if latencies.count > sampleLimit { latencies.removeFirst() }
        trim(now: now)
    }

    private mutating func trim(now: Double) {
        while let first = finishedAt.first, first < now - window { finishedAt.removeFirst() }
    }

    public mutating func perSecond(now: Double) -> Double {
        trim(now: now)
        return Double(finishedAt.count) / window
    }

    /// Latency percentiles in seconds (p50, p90, p99), nil without samples.
    public func percentiles() -> (p50: Double, p90: Double, p99: Double)? {
        guard !latencies.isEmpty else { return nil }
        let sorted = latencies.sorted()
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.down)))] }
        return (at(0.5), at(0.9), at(0.99))
    }
}
