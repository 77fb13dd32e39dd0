import Testing
@testable import FlotillaCore

/// A goal's budget in the scheduler (Scheduler+goalBudgets.swift): its tasks (metadata
/// `goal`) wait with `waiting_reason: budget` once the goal's spending reaches its budget,
/// other tasks do not; raising it lets them go; a restart keeps what the goal spent.
@Suite("Scheduler: goal budgets")
struct SchedulerGoalBudgetTests {
    static let now = 20_000 * 86_400.0 + 50

    func goalSpec(_ id: String, goal: String = "g_1") -> TaskSpec {
        var task = spec(id)
        task.metadata = ["goal": .string(goal)]
        return task
    }

    func complete(_ scheduler: inout Scheduler, _ taskID: String, usd: Double, now: Double) throws {
        try scheduler.send(.complete(result: ["cost": ["tokens_in": 100, "tokens_out": 10, "usd": .double(usd)], "executor": "shell"]), on: taskID, by: "a", now: now)
    }

    @Test("the goal's tasks wait once its spending reaches the budget; others run; raising it releases them at once")
    func holdsAndReleases() throws {
        var scheduler = makeScheduler()
        let now = Self.now
        scheduler.setGoalBudget("g_1", usd: 0.05, now: now)
        scheduler.join("a", now: now)
        try scheduler.add(goalSpec("s1"), now: now)
        try scheduler.recordUsage(UsageReport(taskID: "s1", attempt: 1, delta: Usage(inputTokens: 10, outputTokens: 1, cachedTokens: 0, usd: 0.03), executor: "openai"), from: "a", now: now + 1)
        try scheduler.add(goalSpec("s2"), goalSpec("s3"), spec("other"), now: now + 2)
        try complete(&scheduler, "s1", usd: 0.03, now: now + 3)
        #expect(scheduler.goalSpent("g_1") == 0.03)
        #expect(scheduler.task("s2")?.agentID == "a", "0.03 of 0.05: the next step goes")
        try complete(&scheduler, "s2", usd: 0.025, now: now + 4)
        #expect(abs(scheduler.goalSpent("g_1") - 0.055) < 1e-12)
        #expect(scheduler.task("s3")?.state == .queued)
        #expect(scheduler.task("other")?.agentID == "a", "a task of no goal is not held by a goal's budget")
        let reason = try #require(scheduler.waitingReasons("s3", now: now + 5)?.first { $0.kind == .budget })
        #expect(reason.details["budget"] == "goal:g_1")
        #expect(reason.details["limit"] == 0.05)
        #expect(reason.message.contains("goal g_1's budget is spent"))
        try scheduler.complete("other", by: "a", now: now + 6)
        #expect(scheduler.task("s3")?.state == .queued, "still held with the agent free")
        _ = scheduler.takeEffects()
        scheduler.setGoalBudget("g_1", usd: 0.10, now: now + 7)
        #expect(scheduler.task("s3")?.state == .assigned)
        #expect(scheduler.takeEffects().assignments.map(\.taskID) == ["s3"])
    }

    @Test("a restarted scheduler holds the goal's tasks against what the ledger says it spent")
    func survivesARestart() throws {
        var scheduler = makeScheduler()
        var snapshot = StoreSnapshot(activeTasks: [], stateCounts: [:], lastEventSeq: 0, agents: [])
        snapshot.usage.goalLimits = ["g_1": 0.05]
        snapshot.usage.goalSpent = ["g_1": 0.06]
        scheduler.restore(snapshot, now: Self.now)
        scheduler.join("a", now: Self.now)
        try scheduler.add(goalSpec("s4"), goalSpec("t", goal: "g_2"), now: Self.now + 1)
        #expect(scheduler.task("s4")?.state == .queued)
        #expect(scheduler.task("t")?.agentID == "a", "another goal's task is not held")
        #expect(scheduler.goalSpent("g_1") == 0.06)
        scheduler.setGoalBudget("g_1", usd: nil, now: Self.now + 2)
        try scheduler.complete("t", by: "a", now: Self.now + 3)
        #expect(scheduler.task("s4")?.agentID == "a", "no budget: nothing holds it")
    }
}
