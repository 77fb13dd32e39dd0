import Testing
@testable import FlotillaCore

/// The cost ledger and budgets in the scheduler (Scheduler+costs.swift): pure, with times
/// chosen by the test (a UTC day is 86 400 s from the epoch).
@Suite("Scheduler: costs and budgets")
struct SchedulerCostTests {
    static let day0 = 20_000 * 86_400.0

    func usage(_ taskID: String, attempt: Int = 1, usd: Double, input: Int = 100) -> UsageReport {
        UsageReport(taskID: taskID, attempt: attempt, delta: Usage(inputTokens: input, outputTokens: 10, cachedTokens: 5, usd: usd), executor: "shell")
    }

    func completed(_ scheduler: inout Scheduler, _ taskID: String, by agentID: String, usd: Double, now: Double) throws {
        try scheduler.send(.complete(result: ["cost": ["tokens_in": 100, "tokens_out": 10, "usd": .double(usd)], "executor": "shell"]), on: taskID, by: agentID, now: now)
    }

    func lines(_ effects: Scheduler.Effects) -> [UsageRecord] {
        effects.writes.compactMap { if case .saveUsage(let line) = $0 { line } else { nil } }
    }

    @Test("streamed usage adds to the attempt's line; the final cost replaces the streamed sum")
    func finalReplacesStreamed() throws {
        var scheduler = makeScheduler()
        let now = Self.day0 + 10
        scheduler.join("a", now: now)
        try scheduler.add(spec("t"), now: now)
        try scheduler.recordUsage(usage("t", usd: 0.01), from: "a", now: now + 1)
        try scheduler.recordUsage(usage("t", usd: 0.02), from: "a", now: now + 2)
        #expect(abs(scheduler.ledger.daySpent - 0.03) < 1e-12)
        let streamed = lines(scheduler.takeEffects())
        #expect(streamed.map(\.usage.usd).last.map { abs($0 - 0.03) < 1e-12 } == true)
        #expect(streamed.last?.usage.inputTokens == 200)
        #expect(streamed.last?.isFinal == false)
        #expect(streamed.last?.day == UTCDay.name(now))
        try completed(&scheduler, "t", by: "a", usd: 0.025, now: now + 3)
        let final = try #require(lines(scheduler.takeEffects()).last)
        #expect(final.isFinal)
        #expect(final.usage.usd == 0.025)
        #expect(final.usage.inputTokens == 100)
        #expect(final.executor == "shell")
        #expect(abs(scheduler.ledger.daySpent - 0.025) < 1e-12, "the day counts the final cost once")
        #expect(abs((scheduler.ledger.roleSpent["general"] ?? 0) - 0.025) < 1e-12)
    }

    @Test("usage for an attempt that is not current is refused and counts nothing")
    func staleUsageIsRefused() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: Self.day0)
        scheduler.join("b", ready: false, now: Self.day0)
        try scheduler.add(spec("t"), now: Self.day0)
        #expect(caught { try scheduler.recordUsage(usage("t", attempt: 2, usd: 1), from: "a", now: Self.day0 + 1) }?.code == .staleAttempt)
        #expect(caught { try scheduler.recordUsage(usage("t", usd: 1), from: "b", now: Self.day0 + 1) }?.code == .staleAttempt)
        #expect(caught { try scheduler.recordUsage(usage("nope", usd: 1), from: "a", now: Self.day0 + 1) }?.code == .staleAttempt)
        #expect(scheduler.ledger.daySpent == 0)
    }

    @Test("a day budget holds a task whose expected cost would pass it; raising it lets the task go at once")
    func dayBudgetHoldsAndRaiseReleases() throws {
        var scheduler = makeScheduler()
        let now = Self.day0 + 100
        scheduler.setBudgets(BudgetLimits(day: 0.10), now: now)
        scheduler.join("a", now: now)
        try scheduler.add(spec("t1"), spec("t2"), spec("t3"), now: now)
        try completed(&scheduler, "t1", by: "a", usd: 0.04, now: now + 1)
        #expect(scheduler.task("t2")?.agentID == "a", "0.04 + 0.04 fits in 0.10")
        try completed(&scheduler, "t2", by: "a", usd: 0.04, now: now + 2)
        #expect(scheduler.task("t3")?.state == .queued)
        #expect(scheduler.agent("a")?.held.isEmpty == true, "0.08 + 0.04 would pass 0.10: held")
        let reasons = try #require(scheduler.waitingReasons("t3", now: now + 3))
        let budget = try #require(reasons.first { $0.kind == .budget })
        #expect(budget.details["budget"] == "day")
        #expect(budget.details["spent"] == 0.08)
        #expect(budget.details["estimate"] == 0.04)
        scheduler.tick(now: now + 4)
        #expect(scheduler.task("t3")?.state == .queued, "nothing lets it go by itself the same day")
        _ = scheduler.takeEffects()
        scheduler.setBudgets(BudgetLimits(day: 0.20), now: now + 5)
        #expect(scheduler.task("t3")?.state == .assigned)
        #expect(scheduler.takeEffects().assignments.map(\.taskID) == ["t3"])
    }

    @Test("a role budget holds only that role's tasks, and a new UTC day lets them go")
    func roleBudgetAndNewDay() throws {
        var scheduler = makeScheduler()
        let now = Self.day0 + 86_000
        scheduler.setBudgets(BudgetLimits(roles: ["coder": 0.05]), now: now)
        scheduler.join("c", roles: ["coder", "tester"], now: now)
        try scheduler.add(spec("c1", role: "coder"), now: now)
        try completed(&scheduler, "c1", by: "c", usd: 0.05, now: now + 1)
        try scheduler.add(spec("c2", role: "coder"), spec("t1", role: "tester"), now: now + 2)
        #expect(scheduler.task("t1")?.agentID == "c", "the tester role has no budget")
        try scheduler.complete("t1", by: "c", now: now + 3)
        #expect(scheduler.task("c2")?.state == .queued)
        #expect(scheduler.waitingReasons("c2", now: now + 3)?.first { $0.kind == .budget }?.details["budget"] == "role:coder")
        scheduler.tick(now: Self.day0 + 86_400 + 1)
        #expect(scheduler.task("c2")?.state == .assigned, "a new UTC day starts a new role budget")
        #expect(scheduler.ledger.roleSpent.isEmpty)
    }

    @Test("budget.warning at 80 % and budget.exceeded at 100 %, once per budget per day")
    func alertsOncePerPeriod() throws {
        var scheduler = makeScheduler()
        let now = Self.day0 + 10
        scheduler.setBudgets(BudgetLimits(day: 1.0, roles: ["general": 10]), now: now)
        scheduler.join("a", concurrency: 4, now: now)
        try scheduler.add(spec("t1"), spec("t2"), now: now)
        _ = scheduler.takeEffects()
        try scheduler.recordUsage(usage("t1", usd: 0.5), from: "a", now: now + 1)
        #expect(scheduler.takeEffects().events.filter { $0.type.hasPrefix("budget.") }.isEmpty)
        try scheduler.recordUsage(usage("t1", usd: 0.3), from: "a", now: now + 2)
        let warning = scheduler.takeEffects().events("budget.warning")
        #expect(warning.count == 1)
        #expect(warning.first?.details["budget"] == "day")
        #expect(warning.first?.details["percent"]?.doubleValue == 80)
        #expect(warning.first?.details["limit"]?.doubleValue == 1)
        try scheduler.recordUsage(usage("t2", usd: 0.1), from: "a", now: now + 3)
        #expect(scheduler.takeEffects().events.filter { $0.type.hasPrefix("budget.") }.isEmpty, "80 % was announced already")
        try scheduler.recordUsage(usage("t2", usd: 0.2), from: "a", now: now + 4)
        let effects = scheduler.takeEffects()
        #expect(effects.events("budget.exceeded").map { $0.details["budget"] } == ["day"])
        #expect(effects.events("budget.warning").isEmpty)
        try scheduler.recordUsage(usage("t2", usd: 0.2), from: "a", now: now + 5)
        #expect(scheduler.takeEffects().events.filter { $0.type.hasPrefix("budget.") }.isEmpty, "100 % was announced already")
        // A new day: the day budget's alerts may come again.
        try scheduler.recordUsage(usage("t2", usd: 0.9), from: "a", now: Self.day0 + 86_400 + 5)
        #expect(scheduler.takeEffects().events("budget.warning").map { $0.details["budget"] } == ["day"])
    }

    @Test("an attempt whose streamed usage passes its task's budget is stopped and ends dead, not retried")
    func taskBudgetStopsTheAttempt() throws {
        var scheduler = makeScheduler()
        let now = Self.day0
        scheduler.join("a", now: now)
        var task = spec("t", maxAttempts: 3)
        task.budget = ["usd": 0.05]
        try scheduler.add(task, now: now)
        try scheduler.send(.accept, on: "t", by: "a", now: now + 1)
        _ = scheduler.takeEffects()
        try scheduler.recordUsage(usage("t", usd: 0.03), from: "a", now: now + 2)
        #expect(scheduler.task("t")?.state == .running)
        try scheduler.recordUsage(usage("t", usd: 0.03), from: "a", now: now + 3)
        #expect(scheduler.task("t") == nil, "it left memory: final")
        let effects = scheduler.takeEffects()
        #expect(effects.cancels == [Sent(connection: 1, agentID: "a", taskID: "t", attempt: 1)])
        let dead = try #require(effects.finished.first)
        #expect(dead.state == .dead)
        #expect(dead.error?.hasPrefix("budget_exceeded: the task spent $0.06 of its $0.05 budget") == true)
        #expect(dead.result?["error_code"] == "budget_exceeded")
        #expect(effects.events("budget.exceeded").first?.details["budget"] == "task:t")
        #expect(effects.events("budget.exceeded").first?.taskID == "t")
        #expect(scheduler.agent("a")?.held.isEmpty == true)
    }

    @Test("task budgets are validated: a number or {usd} of 0 or more")
    func taskBudgetValidation() throws {
        #expect(try TaskSpec(json: ["type": "x", "budget": 0.5]).budgetUSD == 0.5)
        #expect(try TaskSpec(json: ["type": "x", "budget": ["usd": 2]]).budgetUSD == 2)
        #expect(caught { try TaskSpec(json: ["type": "x", "budget": -1]) }?.field == "budget")
        #expect(caught { try TaskSpec(json: ["type": "x", "budget": ["usd": -0.1]]) }?.field == "budget.usd")
        #expect(caught { try TaskSpec(json: ["type": "x", "budget": "lots"]) }?.code == .invalidField)
        #expect(caught { try BudgetLimits().applying(["day": -2]) }?.field == "day")
        #expect(caught { try BudgetLimits().applying(["roles": ["coder": "x"]]) }?.field == "roles.coder")
        #expect(caught { try BudgetLimits().applying(["week": 2]) }?.code == .unknownField)
        let limits = try BudgetLimits(day: 1, roles: ["a": 1, "b": 2]).applying(["day": nil, "roles": ["a": nil, "c": 3]])
        #expect(limits == BudgetLimits(day: nil, roles: ["b": 2, "c": 3]))
    }

    @Test("cost queries read by, since and until, and refuse bad ones by name")
    func costQueryParsing() throws {
        let now = Self.day0 + 3600
        let query = try CostQuery(parameters: ["by": "role", "since": "24h", "until": "2024-10-04T00:00:00Z"], now: now)
        #expect(query.by == .role)
        #expect(query.since == now - 86_400)
        #expect(query.until == Timestamp.parse("2024-10-04T00:00:00Z"))
        #expect(try CostQuery(parameters: ["since": "2024-10-03"], now: now).since == Timestamp.parse("2024-10-03T00:00:00Z"))
        #expect(caught { try CostQuery(parameters: ["by": "planet"], now: now) }?.field == "by")
        #expect(caught { try CostQuery(parameters: ["since": "yesterday"], now: now) }?.field == "since")
        #expect(caught { try CostQuery(parameters: ["since": "1h", "until": "2h"], now: now) }?.field == "until")
    }

    @Test("a paused agent takes no work until it says ready")
    func pausedAgent() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        let paused = scheduler.pause(agentID: "a", until: 100, now: 1)
        #expect(paused)
        #expect(scheduler.agent("a")?.state == .paused)
        let change = scheduler.takeEffects().events("agent.state_change").last
        #expect(change?.details["to"] == "paused")
        #expect(change?.details["until"] == .string(Timestamp.iso8601(100)))
        try scheduler.add(spec("t"), now: 2)
        #expect(scheduler.task("t")?.state == .queued)
        _ = scheduler.ready(agentID: "a", now: 100)
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(scheduler.agent("a")?.pausedUntil == nil)
    }

    // Found by the API fuzzer: a budget of 1e308 dollars was answered as `null` (rounding to
    // micro-dollars overflowed to infinity), which the API's schema does not allow.
    @Test("a huge budget is answered as the number it is, never null")
    func hugeBudgetStaysANumber() throws {
        var scheduler = makeScheduler()
        let limits = try BudgetLimits().applying(["day": 1e308, "roles": ["coder": 1.7e308]])
        scheduler.setBudgets(limits, now: Self.day0)
        let status = scheduler.budgetStatus(now: Self.day0)
        #expect(status["limits"]?["day"]?.doubleValue == 1e308)
        #expect(status["limits"]?["roles"]?["coder"]?.doubleValue == 1.7e308)
        #expect(!status.jsonString.contains("null"))
    }

}
