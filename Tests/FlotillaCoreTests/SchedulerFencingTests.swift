import Testing
@testable import FlotillaCore

@Suite("Scheduler: fencing, leases, retries")
struct SchedulerFencingTests {
    @Test("lease expiry fails the attempt, backs off, and retries on another agent")
    func leaseExpiryRetriesElsewhere() throws {
        var scheduler = makeScheduler(lease: 10)
        let connectionA = scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        try scheduler.send(.accept, on: "t", by: "a", now: 1)
        #expect(scheduler.task("t")?.state == .running)
        #expect(scheduler.task("t")?.leaseExpiresAt == 11)
        scheduler.disconnect(connection: connectionA, now: 2)
        scheduler.join("b", now: 3)
        _ = scheduler.takeEffects()

        scheduler.tick(now: 10.9)
        #expect(scheduler.task("t")?.state == .running, "the lease has not run out yet")
        scheduler.tick(now: 11)
        let expired = try #require(scheduler.task("t"))
        #expect(expired.state == .failed)
        #expect(expired.error == "lease_expired")
        #expect(expired.retryAt == 12, "first backoff is base (1 s)")
        #expect(expired.attemptsLeft == 2)
        #expect(scheduler.held(by: "a").isEmpty)
        #expect(scheduler.held(by: "b").isEmpty, "nothing is handed out before the backoff ends")
        let effects = scheduler.takeEffects()
        #expect(effects.savedAttempts.map(\.outcome) == [.leaseExpired])
        #expect(effects.savedAttempts.first?.agentID == "a")
        #expect(effects.cancels.isEmpty, "agent a is offline, nobody to tell")
        #expect(effects.events("task.failed").first?.data["outcome"] == "lease_expired")

        scheduler.tick(now: 11.5)
        #expect(scheduler.task("t")?.state == .failed)
        scheduler.tick(now: 12)
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(scheduler.task("t")?.agentID == "b")
        #expect(scheduler.task("t")?.attempt == 2)
        #expect(scheduler.takeEffects().assignments == [Sent(connection: 2, agentID: "b", taskID: "t", attempt: 2)])
    }

    @Test("stale attempt after lease expiry and reassignment is refused; the new holder's report counts")
    func staleAfterReassignment() throws {
        var scheduler = makeScheduler(lease: 10)
        let connectionA = scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        scheduler.disconnect(connection: connectionA, now: 1)
        scheduler.join("b", now: 2)
        scheduler.tick(now: 10)
        scheduler.tick(now: 11)
        #expect(scheduler.held(by: "b") == ["t"])
        // Agent a comes back and reports its old attempt.
        scheduler.join("a", now: 12)
        _ = scheduler.takeEffects()
        let late = caught { try scheduler.complete("t", by: "a", attempt: 1, now: 12) }
        #expect(late?.code == .staleAttempt)
        #expect(late?.field == "payload.attempt")
        #expect(late?.httpStatus == 409)
        #expect(caught { try scheduler.fail("t", by: "a", now: 12) }?.code == .staleAttempt)
        // Nothing changed.
        #expect(scheduler.takeEffects().isEmpty)
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(scheduler.task("t")?.agentID == "b")

        #expect(try scheduler.complete("t", by: "b", attempt: 2, now: 13) == .applied)
        #expect(scheduler.task("t") == nil, "final tasks leave memory")
        #expect(scheduler.takeEffects().finished.map(\.state) == [.succeeded])
        #expect(caught { try scheduler.complete("t", by: "a", attempt: 1, now: 14) }?.code == .staleAttempt)
    }

    @Test("a report from an agent that does not hold the attempt is refused")
    func wrongAgent() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        scheduler.join("b", ready: false, now: 0)
        try scheduler.add(spec("t"), now: 0)
        _ = scheduler.takeEffects()
        #expect(caught { try scheduler.complete("t", by: "b", attempt: 1, now: 1) }?.code == .staleAttempt)
        #expect(caught { try scheduler.send(.accept, on: "t", by: "b", attempt: 1, now: 1) }?.code == .staleAttempt)
        #expect(caught { try scheduler.complete("t", by: "a", attempt: 2, now: 1) }?.code == .staleAttempt, "wrong attempt number")
        #expect(caught { try scheduler.complete("t", by: "a", attempt: 0, now: 1) }?.code == .staleAttempt)
        #expect(scheduler.takeEffects().isEmpty)
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(try scheduler.complete("t", by: "a", attempt: 1, now: 2) == .applied)
    }

    @Test("a duplicate complete of the same attempt is idempotent")
    func duplicateComplete() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        #expect(try scheduler.complete("t", by: "a", attempt: 1, now: 1) == .applied)
        _ = scheduler.takeEffects()
        #expect(try scheduler.complete("t", by: "a", attempt: 1, now: 2) == .duplicate)
        #expect(try scheduler.send(.complete(result: ["other": 1]), on: "t", by: "a", attempt: 1, now: 3) == .duplicate)
        #expect(scheduler.takeEffects().isEmpty)
        #expect(scheduler.agent("a")?.completed == 1)
        #expect(scheduler.counts[.succeeded] == 1)
        // Only a complete is a duplicate of a completion.
        let lateFail = caught { try scheduler.send(.fail(error: "x", retryable: true, result: nil), on: "t", by: "a", attempt: 1, now: 4) }
        #expect(lateFail?.code == .staleAttempt)
    }

    @Test("a duplicate fail while the task waits for its retry is idempotent")
    func duplicateFail() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        try scheduler.fail("t", by: "a", now: 1)
        #expect(scheduler.task("t")?.state == .failed)
        _ = scheduler.takeEffects()
        #expect(try scheduler.send(.fail(error: "boom", retryable: true, result: nil), on: "t", by: "a", attempt: 1, now: 1.5) == .duplicate)
        #expect(scheduler.takeEffects().isEmpty)
        #expect(scheduler.agent("a")?.failed == 1)
    }

    @Test("reports on unknown tasks are task_not_found")
    func unknownTask() {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        #expect(caught { try scheduler.complete("nope", by: "a", attempt: 1, now: 1) }?.code == .taskNotFound)
    }

    @Test("heartbeats and reports keep the lease alive")
    func leaseRenewal() throws {
        var scheduler = makeScheduler(lease: 10)
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        let renewed = scheduler.heartbeat(agentID: "a", body: ["rss": 1], now: 8)
        #expect(renewed)
        #expect(scheduler.agent("a")?.heartbeat == ["rss": 1])
        scheduler.tick(now: 12)
        #expect(scheduler.task("t")?.state == .assigned)
        try scheduler.send(.progress(percent: 10, message: nil), on: "t", by: "a", now: 17)
        #expect(scheduler.task("t")?.state == .running)
        #expect(scheduler.task("t")?.progress == 10)
        scheduler.tick(now: 26.9)
        #expect(scheduler.task("t")?.state == .running)
        scheduler.tick(now: 27)
        #expect(scheduler.task("t")?.state == .failed)
        let ghost = scheduler.heartbeat(agentID: "ghost", body: nil, now: 27)
        #expect(!ghost)
    }

    @Test("timeout fails the attempt with outcome timeout and tells the agent to stop")
    func timeout() throws {
        var scheduler = makeScheduler(lease: 30)
        let connection = scheduler.join("a", now: 0)
        try scheduler.add(spec("t", timeout: 5), now: 0)
        try scheduler.send(.accept, on: "t", by: "a", now: 1)
        _ = scheduler.heartbeat(agentID: "a", body: nil, now: 4)
        _ = scheduler.takeEffects()
        scheduler.tick(now: 4.99)
        #expect(scheduler.task("t")?.state == .running)
        scheduler.tick(now: 5)
        let task = try #require(scheduler.task("t"))
        #expect(task.state == .failed)
        #expect(task.error == "timeout after 5s")
        let effects = scheduler.takeEffects()
        #expect(effects.savedAttempts.map(\.outcome) == [.timeout])
        #expect(effects.cancels == [Sent(connection: connection, agentID: "a", taskID: "t", attempt: 1)])
        #expect(effects.outbound.first?.envelope.payload["reason"] == "timeout")
        #expect(effects.events("task.failed").first?.data["outcome"] == "timeout")
        #expect(scheduler.held(by: "a").isEmpty)
    }

    @Test("backoff grows between failures: +1 s, then +2 s")
    func backoffBetweenAttempts() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t", maxAttempts: 5), now: 0)
        try scheduler.fail("t", by: "a", now: 10)
        #expect(scheduler.task("t")?.retryAt == 11)
        scheduler.tick(now: 11)
        #expect(scheduler.task("t")?.attempt == 2)
        try scheduler.fail("t", by: "a", now: 20)
        #expect(scheduler.task("t")?.retryAt == 22)
        scheduler.tick(now: 21.9)
        #expect(scheduler.task("t")?.state == .failed)
        scheduler.tick(now: 22)
        #expect(scheduler.task("t")?.attempt == 3)
    }

    @Test("dead after max_attempts; a manual retry keeps attempt numbers increasing")
    func deadThenRetry() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t", maxAttempts: 2), now: 0)
        try scheduler.fail("t", by: "a", now: 1)
        scheduler.tick(now: 2)
        #expect(scheduler.task("t")?.attempt == 2)
        _ = scheduler.takeEffects()
        try scheduler.fail("t", by: "a", now: 3)
        #expect(scheduler.task("t") == nil)
        let dead = try #require(scheduler.takeEffects().finished.first)
        #expect(dead.state == .dead)
        #expect(dead.reason == "out of attempts after 2")
        #expect(dead.attempt == 2)

        let retried = try scheduler.retry("t", stored: dead, facts: StoredFacts(), now: 4)
        #expect(retried.attempt == 3)
        #expect(retried.attemptsLeft == 1, "a fresh budget of 2, one in use")
        #expect(scheduler.takeEffects().assignments.map(\.attempt) == [3])
        #expect(caught { try scheduler.complete("t", by: "a", attempt: 2, now: 5) }?.code == .staleAttempt)
        try scheduler.fail("t", by: "a", now: 5)
        scheduler.tick(now: 6)
        #expect(scheduler.task("t")?.attempt == 4)
        try scheduler.fail("t", by: "a", now: 7)
        let deadAgain = try #require(scheduler.takeEffects().finished.first)
        #expect(deadAgain.state == .dead)
        #expect(deadAgain.reason == "out of attempts after 2")
        #expect(try scheduler.retry("t", stored: deadAgain, facts: StoredFacts(), now: 8).attempt == 5)
    }

    @Test("a non-retryable failure is dead at once; retrying live work is refused")
    func nonRetryable() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t", maxAttempts: 5), spec("u"), now: 0)
        #expect(caught { try scheduler.retry("t", stored: nil, facts: StoredFacts(), now: 1) }?.code == .invalidState)
        try scheduler.fail("t", by: "a", retryable: false, now: 1)
        let dead = try #require(scheduler.takeEffects().finished.first)
        #expect(dead.state == .dead)
        #expect(dead.reason == "failed without retry: boom")
        #expect(caught { try scheduler.retry("zzz", stored: nil, facts: StoredFacts(), now: 2) }?.code == .taskNotFound)
        var succeeded = dead
        succeeded.state = .succeeded
        #expect(caught { try scheduler.retry("t", stored: succeeded, facts: StoredFacts(), now: 2) }?.code == .invalidState)
    }

    @Test("release does not use up an attempt")
    func release() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t", maxAttempts: 1), now: 0)
        let draining = scheduler.drain(agentID: "a", now: 1)
        #expect(draining)
        #expect(scheduler.agent("a")?.state == .draining)
        _ = scheduler.takeEffects()
        try scheduler.send(.release(reason: "shutting down"), on: "t", by: "a", now: 2)
        let queued = try #require(scheduler.task("t"))
        #expect(queued.state == .queued)
        #expect(queued.attemptsLeft == 1)
        #expect(scheduler.held(by: "a").isEmpty, "a draining agent gets no new work")
        #expect(scheduler.takeEffects().savedAttempts.map(\.outcome) == [.released])

        scheduler.join("b", now: 3)
        #expect(scheduler.task("t")?.attempt == 2)
        #expect(scheduler.held(by: "b") == ["t"])
        try scheduler.fail("t", by: "b", now: 4)
        let dead = try #require(scheduler.takeEffects().finished.first)
        #expect(dead.state == .dead)
        #expect(dead.reason == "out of attempts after 1")
    }
}
