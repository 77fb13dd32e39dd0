import Testing
@testable import FlotillaCore

@Suite("Scheduler: time-to-live")
struct SchedulerExpiryTests {
    private func ttlSpec(_ id: String, ttl: Int, type: String = "code.generate", dependsOn: [String] = []) -> TaskSpec {
        var spec = spec(id, type: type, dependsOn: dependsOn)
        spec.ttlSeconds = ttl
        return spec
    }

    @Test("a task no agent takes within its TTL ends expired, with task.expired, and leaves its lane")
    func expiresWhenNotTaken() throws {
        var scheduler = makeScheduler()
        try scheduler.add(ttlSpec("t", ttl: 1), now: 100)
        _ = scheduler.takeEffects()
        scheduler.tick(now: 100.9)
        #expect(scheduler.task("t")?.state == .queued)
        scheduler.tick(now: 101)
        let effects = scheduler.takeEffects()
        let expired = try #require(effects.finished.first)
        #expect(expired.state == .expired)
        #expect(expired.reason == "not started within its TTL of 1s")
        #expect(expired.finishedAt == 101)
        #expect(effects.events("task.expired").first?.data["ttl_seconds"] == 1)
        #expect(scheduler.task("t") == nil)
        #expect(scheduler.counts[.expired] == 1)
        #expect(scheduler.counts[.queued] == 0)
        scheduler.join("late", now: 102)
        #expect(scheduler.held(by: "late").isEmpty, "an expired task is never handed out")
    }

    @Test("a task handed out within its TTL is no longer subject to it")
    func takenInTime() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(ttlSpec("t", ttl: 1), now: 0)
        scheduler.tick(now: 5)
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(TaskExpiry.deadline(of: try #require(scheduler.task("t"))) == nil)
        #expect(scheduler.expiring.isEmpty, "handing it out stops watching it")
    }

    @Test("dependents of an expired task are cancelled, as for a dead one")
    func dependentsCancelled() throws {
        var scheduler = makeScheduler()
        try scheduler.add(ttlSpec("first", ttl: 2), spec("second", dependsOn: ["first"]), now: 0)
        _ = scheduler.takeEffects()
        scheduler.tick(now: 3)
        let finished = scheduler.takeEffects().finished
        #expect(finished.map(\.state) == [.expired, .cancelled])
        #expect(finished.last?.reason == "dependency first is expired")
    }

    @Test("a blocked task expires too, and a new task depending on an expired one is cancelled at once")
    func blockedExpires() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("slow"), ttlSpec("waiting", ttl: 1, dependsOn: ["slow"]), now: 0)
        scheduler.tick(now: 2)
        #expect(scheduler.takeEffects().finished.map(\.id) == ["waiting"])
        // The store knows the expired task (the hub passes its state as a fact).
        let late = try scheduler.submit([spec("after", dependsOn: ["waiting"])], facts: StoredFacts(states: ["waiting": .expired]), now: 3)
        #expect(late.first?.task.state == .cancelled)
        #expect(late.first?.task.reason == "dependency waiting is expired")
    }

    @Test("a TTL that ran out while the hub was down expires the task at restore")
    func expiresAtRestore() throws {
        var before = makeScheduler()
        try before.add(ttlSpec("t", ttl: 10), now: 0)
        let stored = try #require(before.takeEffects().insertedTasks.first)
        var after = makeScheduler()
        after.restore(StoreSnapshot(activeTasks: [stored], stateCounts: [.queued: 1], lastEventSeq: 1, agents: []), now: 60)
        #expect(after.task("t") == nil)
        let effects = after.takeEffects()
        #expect(effects.finished.map(\.state) == [.expired])
        #expect(effects.events("task.expired").count == 1)
        after.join("a", now: 61)
        #expect(after.held(by: "a").isEmpty)
    }

    @Test("an expired task can be retried, and its TTL no longer applies")
    func retryExpired() throws {
        var scheduler = makeScheduler()
        try scheduler.add(ttlSpec("t", ttl: 1), now: 0)
        scheduler.tick(now: 2)
        let expired = try #require(scheduler.takeEffects().finished.first)
        let retried = try scheduler.retry("t", stored: expired, facts: StoredFacts(), now: 3)
        #expect(retried.state == .queued)
        #expect(retried.spec.ttlSeconds == nil)
        scheduler.tick(now: 10)
        #expect(scheduler.task("t")?.state == .queued)
    }
}
