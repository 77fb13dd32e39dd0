import Testing
@testable import FlotillaCore

@Suite("Scheduler: cancel")
struct SchedulerCancelTests {
    @Test("cancelling a held task sends cancel to the agent's connection and frees its slot")
    func cancelHeld() throws {
        var scheduler = makeScheduler()
        let connection = scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), spec("next"), now: 0)
        try scheduler.send(.accept, on: "t", by: "a", now: 1)
        _ = scheduler.takeEffects()
        let cancelled = try scheduler.cancel("t", reason: "not needed", now: 2)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.reason == "not needed")
        let effects = scheduler.takeEffects()
        #expect(effects.cancels == [Sent(connection: connection, agentID: "a", taskID: "t", attempt: 1)])
        #expect(effects.outbound.first?.envelope.payload["reason"] == "not needed")
        #expect(effects.savedAttempts.filter { $0.taskID == "t" }.map(\.outcome) == [.cancelled])
        #expect(effects.assignments.map(\.taskID) == ["next"], "the freed slot is used at once")
        #expect(scheduler.task("t") == nil)
        #expect(caught { try scheduler.complete("t", by: "a", attempt: 1, now: 3) }?.code == .staleAttempt)
        #expect(caught { try scheduler.cancel("t", reason: "again", now: 3) }?.code == .taskNotFound)
    }

    @Test("cancelling a queued task takes it out of its lane")
    func cancelQueued() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("t1"), spec("t2"), now: 0)
        _ = try scheduler.cancel("t1", reason: "x", now: 1)
        #expect(scheduler.takeEffects().cancels.isEmpty)
        scheduler.join("a", now: 2)
        #expect(scheduler.held(by: "a") == ["t2"])
    }

    @Test(
        "a task cancelled while queued and then retried is held by at most one agent")
    func cancelQueuedThenRetry() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("t"), now: 0)
        _ = try scheduler.cancel("t", reason: "oops", now: 1)
        let cancelled = try #require(scheduler.takeEffects().finished.first)
        _ = try scheduler.retry("t", stored: cancelled, facts: StoredFacts(), now: 2)
        scheduler.join("a", now: 3)
        try scheduler.add(spec("other"), now: 4)
        scheduler.join("b", now: 5)
        #expect(scheduler.held(by: "a") == ["t"])
        #expect(scheduler.held(by: "b") == ["other"])
        #expect(scheduler.task("t")?.attempt == 1)
    }

    @Test("cancelling a task waiting for its retry stops the retry")
    func cancelRetrying() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        try scheduler.fail("t", by: "a", now: 1)
        _ = scheduler.takeEffects()
        let cancelled = try scheduler.cancel("t", reason: "give up", now: 1.5)
        #expect(cancelled.retryAt == nil)
        #expect(scheduler.takeEffects().cancels.isEmpty, "no agent holds it")
        scheduler.tick(now: 10)
        #expect(scheduler.task("t") == nil)
        #expect(scheduler.held(by: "a").isEmpty)
        #expect(scheduler.takeEffects().assignments.isEmpty)
    }

    @Test("cancelling an unknown task is task_not_found and changes nothing")
    func cancelUnknown() {
        var scheduler = makeScheduler()
        let error = caught { try scheduler.cancel("ghost", reason: "x", now: 0) }
        #expect(error?.code == .taskNotFound)
        #expect(error?.httpStatus == 404)
        #expect(scheduler.takeEffects().isEmpty)
    }
}
