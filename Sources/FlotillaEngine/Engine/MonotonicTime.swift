/// Seconds on a clock that never steps (`ContinuousClock`), counted from the hub process's first
/// reading: what leases and timers are measured with (see Scheduler+clock.swift).
enum MonotonicTime {
    private static let origin = ContinuousClock.now

    static func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
