import Testing
@testable import FlotillaCore

@Suite("Backoff")
struct BackoffTests {
    @Test("the ceiling doubles from base per failure and stops at the cap")
    func growthAndCap() {
        let backoff = Backoff(base: 1, cap: 10, jitter: 0)
        #expect((1...6).map { backoff.ceiling(afterFailures: $0) } == [1, 2, 4, 8, 10, 10])
    }

    @Test("zero or negative failures give the base delay")
    func nonPositiveFailures() {
        let backoff = Backoff(base: 3, cap: 100, jitter: 0)
        #expect(backoff.ceiling(afterFailures: 0) == 3)
        #expect(backoff.ceiling(afterFailures: -5) == 3)
    }

    @Test("huge failure counts stay finite and capped", arguments: [62, 63, 64, 65, 1000, Int.max])
    func noOverflow(failures: Int) {
        let backoff = Backoff(base: 2, cap: 300, jitter: 0.5)
        #expect(backoff.ceiling(afterFailures: failures) == 300)
        let delay = backoff.delay(afterFailures: failures, random: 0.5)
        #expect(delay.isFinite)
        #expect(delay == 225)
    }

    @Test("without jitter the delay is exactly the ceiling, whatever the random draw", arguments: [0.0, 0.3, 1.0])
    func noJitter(random: Double) {
        let backoff = Backoff(base: 1, cap: 10, jitter: 0)
        #expect(backoff.delay(afterFailures: 3, random: random) == 4)
    }

    @Test("jitter 0.5: random 0 gives the ceiling, random 1 gives half of it")
    func jitterEnds() {
        let backoff = Backoff(base: 4, cap: 1000, jitter: 0.5)
        #expect(backoff.delay(afterFailures: 2, random: 0) == 8)
        #expect(backoff.delay(afterFailures: 2, random: 1) == 4)
        #expect(backoff.delay(afterFailures: 2, random: 0.5) == 6)
    }

    @Test("random draws outside 0...1 are clamped")
    func randomClamped() {
        let backoff = Backoff(base: 4, cap: 1000, jitter: 0.5)
        #expect(backoff.delay(afterFailures: 1, random: -3) == 4)
        #expect(backoff.delay(afterFailures: 1, random: 7) == 2)
    }

    @Test("jitter is clamped to 0...1 at init")
    func jitterClamped() {
        #expect(Backoff(jitter: 2).jitter == 1)
        #expect(Backoff(jitter: -1).jitter == 0)
        // Full jitter can reach zero but never goes negative.
        #expect(Backoff(base: 5, cap: 5, jitter: 7).delay(afterFailures: 1, random: 1) == 0)
    }

    @Test("real random delays stay within [ceiling × (1 − jitter), ceiling]", arguments: [0.1, 0.5, 1.0])
    func randomBounds(jitter: Double) {
        let backoff = Backoff(base: 1, cap: 60, jitter: jitter)
        for failures in 1...8 {
            let ceiling = backoff.ceiling(afterFailures: failures)
            for _ in 0..<200 {
                let delay = backoff.delay(afterFailures: failures)
                #expect(delay <= ceiling)
                #expect(delay >= ceiling * (1 - jitter) - 1e-9)
            }
        }
    }

    @Test("defaults: base 1 s, cap 300 s, jitter 0.5")
    func defaults() {
        let backoff = Backoff()
        #expect(backoff.base == 1)
        #expect(backoff.cap == 300)
        #expect(backoff.jitter == 0.5)
        #expect(backoff.ceiling(afterFailures: 10) == 300)
        #expect(backoff.ceiling(afterFailures: 9) == 256)
    }
}
