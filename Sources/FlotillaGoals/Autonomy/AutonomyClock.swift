public import FlotillaCore
import Foundation

/// The initiative's time: when scans are due and which day's budget applies. The hub uses the
/// wall clock; tests inject a clock they move by hand, so nothing in them waits on real time.
public protocol AutonomyClock: Sendable {
    /// Seconds since the epoch.
    func now() -> Double
    /// Returns at `deadline` (by this clock), or earlier: the service looks again either way.
    func sleep(until deadline: Double) async throws
}

/// The wall clock.
public struct SystemAutonomyClock: AutonomyClock {
    public init() {}

    public func now() -> Double { Timestamp.now() }

    public func sleep(until deadline: Double) async throws {
        let seconds = max(0, deadline - Timestamp.now())
        try await _Concurrency.Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
    }
}
