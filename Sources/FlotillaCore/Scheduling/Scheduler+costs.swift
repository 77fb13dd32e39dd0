extension Scheduler {
    /// Applies an agent's `usage` message: adds the delta to its attempt's ledger line and to
    /// today's totals, sends budget alerts, and stops the attempt when its task's own budget
    /// is passed (it fails `budget_exceeded`, not retried). Fenced like a report.
    public mutating func recordUsage(_ report: UsageReport, from agentID: String, connection: Int? = nil, now: Double) throws(FlotillaError) {
        if let connection, !isSession(connection, of: agentID) {
            throw FlotillaError(.forbidden, "This connection is not agent '\(agentID)'s session; its usage changes nothing.", field: "agent_id")
        }
        guard var task = tasks[report.taskID], task.attempt == report.attempt, task.agentID == agentID, task.state.isHeld else {
            throw FlotillaError(.staleAttempt, "Attempt \(report.attempt) of task \(report.taskID) is not one agent '\(agentID)' holds; its usage is not recorded.", field: "payload.attempt")
        }
        if ledger.roll(to: now) { releaseBudgetHolds(now: now) }
        var line = ledger.open[task.id] ?? newUsageLine(task, agentID: agentID, now: now)
        line.usage += report.delta
        line.model = report.model ?? line.model
        line.executor = report.executor ?? line.executor
        line.recordedAt = now
        ledger.open[task.id] = line
        ledger.spend(report.delta.usd, role: task.spec.role, taskID: task.id)
        effects.writes.append(.saveUsage(line))
        checkBudgets(task, now: now)
        if let limit = task.spec.budgetUSD, let spent = ledger.taskSpent[task.id], spent > limit {
            let code = FlotillaErrorCode.budgetExceeded.rawValue
            let error = "\(code): the task spent $\(BudgetHold.money(spent)) of its $\(BudgetHold.money(limit)) budget"
            tellAgentToStop(task, reason: code, now: now)
            task.result = [
                "status": "failed", "error": .string(error), "error_code": .string(code),
                "cost": .object(line.usage.members),
            ]
            failAttempt(&task, outcome: .failed, error: error, retryable: false, now: now)
            announce(agentID, now: now)
            pump(now: now, freed: agentID)
        }
    }

    /// Settles a finishing attempt's line with its final report: the result's `cost` replaces
    /// what was streamed (only the difference is added to the totals). `taskEnds`: the task
    /// succeeded, so its own running total (without a budget to check) is not worth keeping.
    mutating func settleUsage(_ task: TaskRecord, result: JSONValue?, taskEnds: Bool = false, now: Double) {
        let final = Usage(resultCost: result?["cost"])
        // The attempt ends right after (both callers end it), so the line is written, not kept
        // in `open`: most attempts stream nothing, and then this costs no lookup at all.
        let streamed = ledger.open.isEmpty ? nil : ledger.open[task.id]
        guard final != nil || streamed != nil, let agentID = task.agentID else { return }
        _ = ledger.roll(to: now)
        var line = streamed ?? newUsageLine(task, agentID: agentID, now: now)
        if let final {
            // A task with a budget keeps its total to the end: the budget's alerts read it.
            ledger.spend(final.usd - line.usage.usd, role: task.spec.role, taskID: taskEnds && task.spec.budget == nil ? nil : task.id)
            line.usage = final
        }
        line.isFinal = true
        line.recordedAt = now
        line.model = result?["model"]?.stringValue ?? line.model
        line.executor = result?["executor"]?.stringValue ?? line.executor
        ledger.learn(type: task.spec.type, usd: line.usage.usd)
        effects.writes.append(.saveUsage(line))
        checkBudgets(task, now: now)
    }

    private func newUsageLine(_ task: TaskRecord, agentID: String, now: Double) -> UsageRecord {
        UsageRecord(
            taskID: task.id, attempt: task.attempt, agentID: agentID, role: task.spec.role, type: task.spec.type,
            goal: task.spec.metadata?["goal"]?.stringValue, day: ledger.day == UTCDay.index(now) ? ledger.dayName : UTCDay.name(now), recordedAt: now
        )
    }

    /// Sends `budget.warning` at 80 % and `budget.exceeded` at 100 % of the hub's day budget,
    /// the task's role's day budget and the task's own budget, once per budget per period.
    mutating func checkBudgets(_ task: TaskRecord, now: Double) {
        // Most hubs set no budget: then a report costs no more than this check.
        guard !ledger.limits.isEmpty || task.spec.budget != nil else { return }
        let role = task.spec.role
        let checks: [(String, Double, Double?)] = [
            ("day", ledger.daySpent, ledger.limits.day),
            ("role:\(role)", ledger.roleSpent[role] ?? 0, ledger.limits.roles[role]),
            ("task:\(task.id)", ledger.taskSpent[task.id] ?? 0, task.spec.budgetUSD),
        ]
        for (budget, spent, limit) in checks {
            guard let limit, spent > 0 else { continue }
            let percent = limit > 0 ? spent / limit * 100 : .infinity
            let subject = budget.hasPrefix("task:") ? task : nil
            if percent >= 80, ledger.firstAlert("warning", budget) {
                emitBudget(.budgetWarning, budget, spent: spent, limit: limit, percent: percent, task: subject, now: now)
            }
            if percent >= 100, ledger.firstAlert("exceeded", budget) {
                emitBudget(.budgetExceeded, budget, spent: spent, limit: limit, percent: percent, task: subject, now: now)
            }
        }
    }

    private mutating func emitBudget(_ kind: EventKind, _ budget: String, spent: Double, limit: Double, percent: Double, task: TaskRecord?, now: Double) {
        emit(kind, task: task, agentID: task?.agentID, data: [
            "budget": .string(budget),
            "spent": .double(Usage.rounded(spent)),
            "limit": .double(Usage.rounded(limit)),
            "percent": percent.isFinite ? .double((percent * 10).rounded() / 10) : .null,
        ], now: now)
    }

    /// The next task for an agent that no spent budget holds back; held ones leave their
    /// lane until the budgets change or the day ends (``releaseBudgetHolds(now:)``).
    mutating func nextWithinBudget(roles: Set<String>, capabilities: Set<String>, now: Double) -> String? {
        while let id = lanes.popBest(roles: roles, capabilities: capabilities, now: now) {
            guard !ledger.limits.isEmpty, let spec = tasks[id]?.spec, ledger.hold(for: spec) != nil else { return id }
            budgetHeld.insert(id)
        }
        return nil
    }

    /// Puts the tasks held back by budgets back in their lanes (they are checked again when
    /// they reach an agent).
    mutating func releaseBudgetHolds(now: Double) {
        guard !budgetHeld.isEmpty else { return }
        for id in budgetHeld.sorted() {
            guard let task = tasks[id], task.state == .queued else { continue }
            lanes.push(id, lane: LaneKey(spec: task.spec), queuedAt: task.queuedAt ?? now)
        }
        budgetHeld = []
    }

    /// Changes the budgets live (`PUT /api/budgets`); tasks a raised budget lets go are handed
    /// out at once.
    public mutating func setBudgets(_ limits: BudgetLimits, now: Double) {
        ledger.limits = limits
        _ = ledger.roll(to: now)
        releaseBudgetHolds(now: now)
        pump(now: now)
    }

    /// The budgets and today's spending against them (`GET /api/budgets`).
    public func budgetStatus(now: Double) -> JSONValue {
        let sameDay = UTCDay.index(now) == ledger.day
        let daySpent = sameDay ? ledger.daySpent : 0
        var roles: [String: JSONValue] = [:]
        for role in Set(ledger.limits.roles.keys).union(sameDay ? Set(ledger.roleSpent.keys) : []) {
            let spent = sameDay ? ledger.roleSpent[role] ?? 0 : 0
            roles[role] = ["limit": ledger.limits.roles[role].map { .double(Usage.rounded($0)) } ?? .null, "spent": .double(Usage.rounded(spent))]
        }
        return [
            "day": .string(UTCDay.name(now)),
            "limits": ledger.limits.json,
            "spent": ["day": .double(Usage.rounded(daySpent)), "roles": .object(roles.mapValues { $0["spent"] ?? 0 })],
            "held": .int(Int64(budgetHeld.count(where: { tasks[$0]?.state == .queued }))),
        ]
    }

    /// Why a queued task is held back by a budget, if it is.
    func budgetReason(_ task: TaskRecord) -> WaitingReason? {
        guard task.state == .queued, budgetHeld.contains(task.id) else { return nil }
        return ledger.hold(for: task.spec)?.reason
    }

    /// Rebuilds the ledger's memory from the store at start; alerts whose threshold was
    /// already passed count as sent.
    mutating func restoreLedger(_ snapshot: UsageSnapshot, now: Double) {
        let limits = ledger.limits
        ledger = CostLedger(day: UTCDay.index(now))
        ledger.limits = limits
        ledger.daySpent = snapshot.daySpent
        ledger.roleSpent = snapshot.roleSpent
        ledger.taskSpent = snapshot.taskSpent
        ledger.typeCosts = snapshot.typeCosts
        for line in snapshot.open where tasks[line.taskID]?.attempt == line.attempt && tasks[line.taskID]?.state.isHeld == true {
            ledger.open[line.taskID] = line
        }
        for task in tasks.values { markPassedAlerts(task) }
        if tasks.isEmpty { markPassedAlerts(nil) }
    }

    private mutating func markPassedAlerts(_ task: TaskRecord?) {
        var checks: [(String, Double, Double?)] = [("day", ledger.daySpent, ledger.limits.day)]
        for (role, limit) in ledger.limits.roles { checks.append(("role:\(role)", ledger.roleSpent[role] ?? 0, limit)) }
        if let task { checks.append(("task:\(task.id)", ledger.taskSpent[task.id] ?? 0, task.spec.budgetUSD)) }
        for (budget, spent, limit) in checks {
            guard let limit, spent > 0 else { continue }
            if spent >= limit * 0.8 { _ = ledger.firstAlert("warning", budget) }
            if spent >= limit { _ = ledger.firstAlert("exceeded", budget) }
        }
    }
}
