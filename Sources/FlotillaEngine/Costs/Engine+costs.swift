public import FlotillaCore
public import FlotillaStore

extension Engine {
    /// Cost ledger totals (`GET /api/costs`), once what memory holds is durable.
    public func costs(_ query: CostQuery) async throws -> CostReport {
        _ = await settled()
        return try await store.costs(query)
    }

    /// What one task's attempts have spent so far (a task's `cost`), or nil when none reported.
    public func taskCost(id: String) async throws -> CostTotal? {
        _ = await settled()
        return try await store.taskCost(id: id)
    }

    /// The budgets and today's spending against them (`GET /api/budgets`).
    public func budgets() -> JSONValue {
        let now = Timestamp.now()
        return inspect { $0.budgetStatus(now: now) }
    }

    /// The budgets now in force.
    public var budgetLimits: BudgetLimits { inspect { $0.ledger.limits } }

    /// Changes the budgets live (`PUT /api/budgets`): `body` names what changes (see
    /// ``BudgetLimits/applying(_:)``). Tasks a raised budget lets go are handed out at once.
    /// Kept in memory: a restart goes back to the hub's flags.
    public func setBudgets(_ body: JSONValue) async throws(FlotillaError) -> JSONValue {
        try await mutate { scheduler, now in
            let limits = try scheduler.ledger.limits.applying(body)
            scheduler.setBudgets(limits, now: now)
            return scheduler.budgetStatus(now: now)
        }
    }
}
