extension Scheduler {
    /// Sets (or, nil, drops) a goal's budget: once its tasks' spending reaches it, they wait
    /// with `waiting_reason: budget` (``CostLedger/hold(for:)``). A raised budget lets the held
    /// tasks go at once.
    public mutating func setGoalBudget(_ goal: String, usd: Double?, now: Double) {
        guard ledger.goalLimits[goal] != usd else { return }
        ledger.goalLimits[goal] = usd
        releaseBudgetHolds(now: now)
        pump(now: now)
    }

    /// What a goal's tasks spent so far, as the scheduler counts it (the ledger's lines by goal
    /// at start, then each report).
    public func goalSpent(_ goal: String) -> Double { ledger.goalSpent[goal] ?? 0 }
}
