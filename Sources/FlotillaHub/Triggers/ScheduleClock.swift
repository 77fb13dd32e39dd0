public import Foundation

/// The time the workflow scheduler reads and sleeps by. The hub uses ``SystemScheduleClock``;
/// tests inject one they move by hand, so a schedule's slots pass in milliseconds.
public protocol ScheduleClock: Sendable {
    /// Now, by this clock.
    func now() -> Date
    /// Suspends until `deadline` by this clock, or earlier: the scheduler re-checks what is due
    /// whenever it wakes (which is also how it notices workflows applied meanwhile).
    func sleep(until deadline: Date) async throws
}

/// The real clock.
public struct SystemScheduleClock: ScheduleClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        guard seconds > 0 else { return }
        try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
    }
}
