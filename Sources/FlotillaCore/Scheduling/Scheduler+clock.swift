/// Leases, timeouts, retries and TTLs measure real elapsed time, not the wall clock.
///
/// The scheduler's times are wall-clock seconds (they are shown and stored), so a step of the
/// wall clock (NTP, an operator, a resumed VM) would otherwise expire every lease at once, or
/// stretch them all. The hub passes each operation's wall-clock time with a monotonic reading
/// taken at the same moment; when their difference changes by more than
/// ``SchedulerPolicy/clockStepTolerance`` the wall clock stepped, and every time in memory
/// that a deadline is counted from moves by the same step: the same instants, expressed on
/// the new clock. Slow drift (NTP slewing) is followed without moving anything.
extension Scheduler {
    /// Notes the clocks of the operation about to run; returns the step in seconds when the
    /// wall clock stepped since the last call (the hub logs it), else nil.
    @discardableResult
    public mutating func observeClock(wall: Double, monotonic: Double) -> Double? {
        let offset = wall - monotonic
        defer { clockOffset = offset }
        guard let previous = clockOffset else { return nil }
        let step = offset - previous
        guard abs(step) >= policy.clockStepTolerance else { return nil }
        shiftClock(by: step)
        return step
    }

    /// Moves every in-memory time a deadline is counted from by `step` seconds.
    mutating func shiftClock(by step: Double) {
        for id in Array(tasks.keys) {
            guard var task = tasks[id] else { continue }
            task.leaseExpiresAt = task.leaseExpiresAt.map { $0 + step }
            task.retryAt = task.retryAt.map { $0 + step }
            if task.state.isHeld { task.startedAt = task.startedAt.map { $0 + step } }
            if expiring[id] != nil { task.createdAt += step }
            tasks[id] = task
        }
        for (id, deadline) in expiring { expiring[id] = deadline + step }
    }
}
