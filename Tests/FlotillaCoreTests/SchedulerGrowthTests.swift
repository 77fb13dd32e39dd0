import Testing
@testable import FlotillaCore

/// Memory and store writes stay bounded: progress is coalesced, finished tasks' idempotency
/// keys and long-gone agents leave memory.
@Suite struct SchedulerGrowthTests {
    @Test("progress: one store write per attempt per interval, the newest wins, the final report always lands")
    func progressCoalesced() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t1"), now: 0)
        try scheduler.send(.accept, on: "t1", by: "a", now: 0)
        _ = scheduler.takeEffects()
        // Ten reports within one second: the first is stored, the rest only update memory.
        for index in 0..<10 {
            try scheduler.send(.progress(percent: Double(index * 10), message: "step \(index)"), on: "t1", by: "a", now: 0.1 + Double(index) * 0.05)
        }
        var effects = scheduler.takeEffects()
        #expect(effects.events("task.progress").count == 1)
        #expect(effects.writes.count == 2, "one task update and one event row")
        #expect(scheduler.task("t1")?.progressMessage == "step 9", "memory has the newest")
        // When the interval has passed, the tick writes the newest one.
        scheduler.tick(now: 1.2)
        effects = scheduler.takeEffects()
        #expect(effects.events("task.progress").map { $0.data["message"] } == ["step 9"])
        #expect(effects.events("task.progress").first?.data["percent"] == 90.0)
        scheduler.tick(now: 5)
        #expect(scheduler.takeEffects().events("task.progress").isEmpty, "nothing new: nothing written")
        // A report in a fresh interval goes out at once; the final report right after it too.
        try scheduler.send(.progress(percent: 95, message: "almost"), on: "t1", by: "a", now: 6)
        try scheduler.send(.progress(percent: 99, message: "nearly"), on: "t1", by: "a", now: 6.1)
        try scheduler.complete("t1", by: "a", now: 6.2)
        effects = scheduler.takeEffects()
        #expect(effects.events("task.progress").count == 1)
        let final = try #require(effects.writes.compactMap { if case .updateTask(let task) = $0, task.state == .succeeded { task } else { nil } }.last)
        #expect(final.progressMessage == "nearly", "the final row carries the newest progress")
        scheduler.tick(now: 10)
        #expect(scheduler.takeEffects().events("task.progress").isEmpty, "a finished attempt writes no late progress")
        #expect(scheduler.progressWrittenAt.isEmpty && scheduler.progressPending.isEmpty)
    }

    @Test("idempotency keys leave memory with their finished tasks; the store answers for them")
    func idempotencyPruned() throws {
        var scheduler = Scheduler(policy: SchedulerPolicy(recentFinishedLimit: 2))
        scheduler.join("a", now: 0)
        for index in 1...4 {
            try scheduler.add(spec("t\(index)", key: "k\(index)"), now: Double(index))
            try scheduler.complete("t\(index)", by: "a", now: Double(index) + 0.5)
        }
        #expect(scheduler.taskID(forIdempotencyKey: "k1") == nil)
        #expect(scheduler.taskID(forIdempotencyKey: "k2") == nil)
        #expect(scheduler.taskID(forIdempotencyKey: "k3") == "t3")
        #expect(scheduler.taskID(forIdempotencyKey: "k4") == "t4")
        #expect(scheduler.idempotency.count == 2)
    }

    @Test("offline agents holding nothing are forgotten after the retention")
    func agentsForgotten() throws {
        var scheduler = makeScheduler()
        let holder = scheduler.join("holder", now: 0)
        try scheduler.add(spec("t1"), now: 0)
        #expect(scheduler.held(by: "holder") == ["t1"])
        let gone = scheduler.join("gone", now: 0)
        scheduler.join("live", now: 0)
        scheduler.disconnect(connection: gone, now: 1)
        scheduler.disconnect(connection: holder, now: 1)
        #expect(scheduler.forgetAgents(offlineBefore: 0.5).isEmpty, "seen after the cutoff")
        #expect(scheduler.forgetAgents(offlineBefore: 100) == ["gone"])
        #expect(scheduler.agent("live") != nil)
        #expect(scheduler.agent("holder") != nil, "an agent holding work is kept")
    }
}
