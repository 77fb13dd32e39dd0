import FlotillaCore
import Testing

@Suite struct TokenBucketTests {
    @Test func grantsTheBurstThenRefusesWithTheWaitUntilTheNextToken() {
        var bucket = TokenBucket(rate: 2, capacity: 3, now: 100)
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) == nil)
        let wait = bucket.take(now: 100)
        #expect(wait == 0.5)
        // Half a second later one token has flowed in.
        #expect(bucket.take(now: 100.5) == nil)
        #expect(bucket.take(now: 100.5) != nil)
    }

    @Test func neverHoldsMoreThanItsCapacityAndIgnoresAClockStepBack() {
        var bucket = TokenBucket(rate: 10, capacity: 2, now: 0)
        #expect(bucket.take(now: 1000) == nil)
        #expect(bucket.take(now: 1000) == nil)
        #expect(bucket.take(now: 1000) != nil)
        #expect(bucket.take(now: 500) != nil)
        #expect(bucket.tokens >= 0)
    }

    @Test func aZeroRateNeverRefills() {
        var bucket = TokenBucket(rate: 0, capacity: 1, now: 0)
        #expect(bucket.take(now: 0) == nil)
        #expect(bucket.take(now: 1e9) == .infinity)
    }
}
