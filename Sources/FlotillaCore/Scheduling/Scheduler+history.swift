extension Scheduler {
    /// Ends a sampling interval of `seconds` at `now`: its sample (successes per second and
    /// their latency percentiles, tasks queued and running now), and a fresh interval begins.
    public mutating func takeSample(now: Double, seconds: Double) -> StatsSample {
        defer { sinceSample = IntervalCompletions() }
        return sinceSample.sample(at: now, seconds: seconds, queued: lanes.count, running: counts[.running])
    }
}
