import Testing
@testable import FlotillaCore

@Suite("Scheduler: dependencies")
struct SchedulerDependencyTests {
    /// A ← B ← C (B depends on A, C on B), submitted dependents first.
    func chain(_ scheduler: inout Scheduler, now: Double = 0) throws -> [Scheduler.Submitted] {
        try scheduler.add(spec("C", dependsOn: ["B"]), spec("B", dependsOn: ["A"]), spec("A"), now: now)
    }

    @Test("a chain unblocks in order as each dependency succeeds")
    func chainUnblocks() throws {
        var scheduler = makeScheduler()
        let submitted = try chain(&scheduler)
        #expect(submitted.map(\.task.id) == ["C", "B", "A"], "results follow the request order")
        #expect(submitted.map(\.task.state) == [.blocked, .blocked, .queued])
        let effects = scheduler.takeEffects()
        #expect(effects.insertedTasks.map(\.id) == ["A", "B", "C"], "dependencies are created first")
        #expect(effects.events("task.blocked").first { $0.taskID == "B" }?.data["waiting_on"] == ["A"])
        #expect(scheduler.counts[.blocked] == 2)

        scheduler.join("a", concurrency: 3, now: 1)
        #expect(scheduler.held(by: "a") == ["A"])
        #expect(scheduler.task("B")?.state == .blocked)
        try scheduler.complete("A", by: "a", now: 2)
        #expect(scheduler.held(by: "a") == ["B"])
        #expect(scheduler.task("C")?.state == .blocked)
        try scheduler.complete("B", by: "a", now: 3)
        #expect(scheduler.held(by: "a") == ["C"])
        try scheduler.complete("C", by: "a", now: 4)
        #expect(scheduler.tasks.isEmpty)
        #expect(scheduler.counts[.succeeded] == 3)
        #expect(scheduler.takeEffects().assignments.map(\.taskID) == ["A", "B", "C"])
    }

    @Test("a dependent unblocked by one agent's report goes to another free agent")
    func unblockedDependentReachesOtherAgents() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("A", role: "build"), spec("B", role: "testing", dependsOn: ["A"]), now: 0)
        scheduler.join("builder", roles: ["build"], now: 1)
        scheduler.join("tester", roles: ["testing"], now: 1)
        #expect(scheduler.held(by: "builder") == ["A"])
        #expect(scheduler.held(by: "tester").isEmpty)
        try scheduler.complete("A", by: "builder", now: 2)
        #expect(scheduler.held(by: "tester") == ["B"], "only the tester fits B; the builder's report must still reach it")
    }

    @Test("a report that frees a slot hands the freed agent the next task, and no one else changes")
    func reportPumpsTheFreedAgent() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        scheduler.join("b", roles: ["testing"], now: 0)
        try scheduler.add(spec("one"), spec("two"), now: 1)
        #expect(scheduler.held(by: "a") == ["one"])
        try scheduler.complete("one", by: "a", now: 2)
        #expect(scheduler.held(by: "a") == ["two"])
        #expect(scheduler.held(by: "b").isEmpty)
    }

    @Test("a task with two dependencies waits for both")
    func diamond() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("A"), spec("B", dependsOn: ["A"]), spec("C", dependsOn: ["A"]), spec("D", dependsOn: ["B", "C"]), now: 0)
        scheduler.join("a", concurrency: 2, now: 1)
        try scheduler.complete("A", by: "a", now: 2)
        #expect(scheduler.held(by: "a") == ["B", "C"])
        try scheduler.complete("B", by: "a", now: 3)
        #expect(scheduler.task("D")?.state == .blocked)
        try scheduler.complete("C", by: "a", now: 4)
        #expect(scheduler.held(by: "a") == ["D"])
    }

    @Test("a dependency that fails and retries keeps its dependents blocked until it succeeds")
    func retryingDependency() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("A"), now: 0)
        try scheduler.fail("A", by: "a", now: 1)
        try scheduler.add(spec("B", dependsOn: ["A"]), now: 1.5)
        #expect(scheduler.task("B")?.state == .blocked)
        scheduler.tick(now: 2)
        #expect(scheduler.task("B")?.state == .blocked)
        try scheduler.complete("A", by: "a", now: 3)
        #expect(scheduler.held(by: "a") == ["B"])
    }

    @Test("cancel cascade: cancelling A cancels B and C, each with a reason naming its dependency")
    func cancelCascade() throws {
        var scheduler = makeScheduler()
        try chain(&scheduler)
        _ = scheduler.takeEffects()
        let cancelled = try scheduler.cancel("A", reason: "changed my mind", now: 1)
        #expect(cancelled.state == .cancelled)
        let effects = scheduler.takeEffects()
        let finished = Dictionary(uniqueKeysWithValues: effects.finished.map { ($0.id, $0) })
        #expect(finished["A"]?.reason == "changed my mind")
        #expect(finished["B"]?.state == .cancelled)
        #expect(finished["B"]?.reason == "dependency A is cancelled")
        #expect(finished["C"]?.state == .cancelled)
        #expect(finished["C"]?.reason == "dependency B is cancelled")
        #expect(effects.events("task.cancelled").map(\.taskID) == ["A", "B", "C"])
        #expect(effects.events("task.cancelled").last?.data["reason"] == "dependency B is cancelled")
        #expect(scheduler.tasks.isEmpty)
        #expect(scheduler.lanes.count == 0)
        #expect(scheduler.counts[.blocked] == 0)
        #expect(scheduler.counts[.cancelled] == 3)
        // Nothing is left to hand out.
        scheduler.join("a", now: 2)
        #expect(scheduler.held(by: "a").isEmpty)
    }

    @Test("a dead dependency cancels its dependents")
    func deadCascade() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("A", maxAttempts: 1), spec("B", dependsOn: ["A"]), spec("C", dependsOn: ["B"]), now: 0)
        _ = scheduler.takeEffects()
        try scheduler.fail("A", by: "a", now: 1)
        let finished = Dictionary(uniqueKeysWithValues: scheduler.takeEffects().finished.map { ($0.id, $0) })
        #expect(finished["A"]?.state == .dead)
        #expect(finished["B"]?.reason == "dependency A is dead")
        #expect(finished["C"]?.reason == "dependency B is cancelled")
        #expect(scheduler.tasks.isEmpty)
    }

    @Test("cancelling the middle of a chain leaves the head alone")
    func cancelMiddle() throws {
        var scheduler = makeScheduler()
        try chain(&scheduler)
        _ = try scheduler.cancel("B", reason: "skip", now: 1)
        #expect(scheduler.task("C") == nil)
        #expect(scheduler.task("A")?.state == .queued)
        scheduler.join("a", now: 2)
        try scheduler.complete("A", by: "a", now: 3)
        #expect(scheduler.tasks.isEmpty, "A's success does not revive B or C")
        #expect(scheduler.held(by: "a").isEmpty)
    }

    @Test("dependencies on stored tasks: succeeded ones are met, dead ones cancel the new task at once")
    func storedDependencies() throws {
        var scheduler = makeScheduler()
        let facts = StoredFacts(states: ["done": .succeeded, "gone": .dead, "dropped": .cancelled])
        let result = try scheduler.submit([
            spec("ok", dependsOn: ["done"]), spec("doomed", dependsOn: ["done", "gone"]), spec("also", dependsOn: ["dropped"]),
        ], facts: facts, now: 0)
        #expect(result.map(\.created) == [true, true, true])
        #expect(result.map(\.task.state) == [.queued, .cancelled, .cancelled])
        #expect(result[1].task.reason == "dependency gone is dead")
        #expect(result[2].task.reason == "dependency dropped is cancelled")
        let effects = scheduler.takeEffects()
        #expect(Set(effects.insertedTasks.map(\.id)) == ["ok", "doomed", "also"])
        #expect(Set(effects.finished.map(\.id)) == ["doomed", "also"])
        #expect(Array(scheduler.tasks.keys) == ["ok"])
        #expect(scheduler.counts[.cancelled] == 2)
    }

    @Test("a dependency on an in-flight task submitted earlier blocks until it succeeds")
    func dependencyOnEarlierSubmission() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 2, now: 0)
        try scheduler.add(spec("A"), now: 0)
        try scheduler.send(.accept, on: "A", by: "a", now: 1)
        try scheduler.add(spec("B", dependsOn: ["A"]), now: 2)
        #expect(scheduler.task("B")?.state == .blocked)
        #expect(scheduler.held(by: "a") == ["A"])
        try scheduler.complete("A", by: "a", now: 3)
        #expect(scheduler.held(by: "a") == ["B"])
    }

    @Test("retrying a dependent needs its dependency retried first")
    func retryDependent() throws {
        var scheduler = makeScheduler()
        // A is held when cancelled (a task cancelled while queued and then retried hits the
        // ReadyLanes bug covered by a disabled test in SchedulerCancelTests).
        scheduler.join("a", now: 0)
        try scheduler.add(spec("A"), spec("B", dependsOn: ["A"]), now: 0)
        _ = scheduler.takeEffects()
        _ = try scheduler.cancel("A", reason: "x", now: 1)
        let finished = Dictionary(uniqueKeysWithValues: scheduler.takeEffects().finished.map { ($0.id, $0) })
        let storedA = try #require(finished["A"])
        let storedB = try #require(finished["B"])

        let refused = caught { try scheduler.retry("B", stored: storedB, facts: StoredFacts(), now: 2) }
        #expect(refused?.code == .invalidState)
        #expect(refused?.field == "depends_on")
        #expect(scheduler.task("B") == nil)

        let retriedA = try scheduler.retry("A", stored: storedA, facts: StoredFacts(), now: 3)
        #expect(retriedA.state == .assigned)
        #expect(retriedA.attempt == 2)
        let blocked = try scheduler.retry("B", stored: storedB, facts: StoredFacts(), now: 4)
        #expect(blocked.state == .blocked)
        #expect(blocked.reason == nil)
        try scheduler.complete("A", by: "a", now: 6)
        #expect(scheduler.held(by: "a") == ["B"])
    }
}
