@testable import FlotillaHub
import Foundation
import Synchronization

/// A schedule clock the test moves by hand (a fake of time: the scheduler's slots pass in
/// milliseconds). Its sleep returns once the clock reaches the deadline, or after a few real
/// milliseconds (a sleep may end early; the scheduler re-checks), so the scheduler also notices
/// workflows applied meanwhile.
final class ManualScheduleClock: ScheduleClock {
    private struct State {
        var now: Date
        /// The time the scheduler's current pass read (it reads the clock once, at its start).
        var read: Date?
        /// The latest time a finished pass read (a pass ends when the scheduler sleeps).
        var finished: Date?
    }

    private let state: Mutex<State>

    init(_ now: Date) { state = Mutex(State(now: now)) }

    func now() -> Date {
        state.withLock { state in
            state.read = state.now
            return state.now
        }
    }

    func sleep(until deadline: Date) async throws {
        state.withLock { state in
            if let read = state.read { state.finished = max(state.finished ?? read, read) }
        }
        let end = ContinuousClock.now + .milliseconds(30)
        while ContinuousClock.now < end, state.withLock({ $0.now }) < deadline {
            try await _Concurrency.Task.sleep(for: .milliseconds(2))
        }
    }

    func set(_ date: Date) { state.withLock { $0.now = date } }

    /// Sets the clock and waits until the scheduler has finished a pass at that time: what was
    /// due then has been started.
    func advance(to date: Date, within seconds: Double = 10) async throws {
        set(date)
        try await eventually("the scheduler passes \(date)", within: seconds) {
            state.withLock { ($0.finished ?? .distantPast) >= date }
        }
    }
}
