import Testing
@testable import FlotillaCore

@Suite("Scheduler: healing releases an offline agent's work at once")
struct SchedulerHealingTests {
    @Test("an offline agent's held attempts go back to the queue now, without using an attempt")
    func offlineAttemptsAreReleased() throws {
        var scheduler = makeScheduler(lease: 30)
        let connection = scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        try scheduler.send(.accept, on: "t", by: "a", now: 1)
        #expect(scheduler.busyTaskCount == 1)
        #expect(scheduler.releaseOfflineAttempts(of: "a", reason: "gone", now: 2).isEmpty, "a connected agent keeps its work")
        scheduler.disconnect(connection: connection, now: 2)
        scheduler.join("b", now: 3)
        _ = scheduler.takeEffects()

        #expect(scheduler.releaseOfflineAttempts(of: "a", reason: "agent a went offline", now: 4) == ["t"])
        let task = try #require(scheduler.task("t"))
        #expect(task.state == .assigned, "handed to the other agent at once, well before the lease (31 s) ran out")
        #expect(task.agentID == "b")
        #expect(task.attemptsLeft == 2, "only b's attempt counts: a release does not use one up")
        let effects = scheduler.takeEffects()
        #expect(effects.savedAttempts.first?.outcome == .released)
        #expect(effects.savedAttempts.first?.error == "agent a went offline")
        #expect(effects.events("task.queued").first?.data["released"] == true)
        #expect(scheduler.held(by: "a").isEmpty)
        #expect(scheduler.releaseOfflineAttempts(of: "a", reason: "again", now: 5).isEmpty)
        try scheduler.complete("t", by: "b", now: 6)
        #expect(scheduler.busyTaskCount == 0)
    }
}
