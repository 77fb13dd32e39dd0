import FlotillaCore
import FlotillaGoals
import Foundation
import Synchronization

/// A fake of time for the hub's own initiative: the test sets it by hand (days pass in an
/// instant). Its sleep returns once the clock reaches the deadline or after a few real
/// milliseconds (the service looks again either way), so a pass follows each change soon.
final class ManualAutonomyClock: AutonomyClock {
    private let time: Mutex<Double>

    init(_ now: Double) { time = Mutex(now) }

    func now() -> Double { time.withLock { $0 } }

    func sleep(until deadline: Double) async throws {
        let end = ContinuousClock.now + .milliseconds(20)
        while ContinuousClock.now < end, now() < deadline {
            try await _Concurrency.Task.sleep(for: .milliseconds(2))
        }
    }

    func set(_ seconds: Double) { time.withLock { $0 = seconds } }
}

extension AutonomyService {
    /// Sets the clock to `seconds` and waits until a whole pass ran at that time or later (what
    /// was due then has been done).
    func advance(_ clock: ManualAutonomyClock, to seconds: Double, within limit: Double = 30) async throws {
        let before = lastPass.count
        clock.set(seconds)
        try await eventually("an autonomy pass at \(seconds)", within: limit) {
            let (at, count) = self.lastPass
            // Two passes: the one running when the clock moved may have read the old time.
            return count >= before + 2 && (at ?? 0) >= seconds
        }
    }
}
