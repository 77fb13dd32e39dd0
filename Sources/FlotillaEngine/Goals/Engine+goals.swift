public import FlotillaCore
import FlotillaStore
import Synchronization

/// Goals (issue 25, docs/goals.md): the backlog and each goal's state. Every change goes
/// through ``GoalState``'s transitions and commits with a `goal.state_changed` event.
extension Engine {
    /// Adds a goal to the backlog (state `queued`).
    public func addGoal(_ request: GoalRequest) async throws -> GoalRecord {
        let now = Timestamp.now()
        let goal = GoalRecord(
            id: GoalRecord.newID(), title: request.title, repo: request.repo, budgetUSD: request.budgetUSD,
            priority: request.priority, approvePlan: request.approvePlan, verify: request.verify, createdAt: now, updatedAt: now
        )
        try await commitGoal(id: goal.id) { _, _ in goal }
        return goal
    }

    /// A page of goals, newest first (memory's version of a goal when it has one).
    public func goals(_ query: GoalQuery) async throws -> [GoalRecord] {
        let stored = try await store.goals(query)
        return stored.map { goalBook[$0.id] ?? $0 }
    }

    /// One goal, or `goal_not_found`.
    public func goal(id: String) async throws -> GoalRecord {
        if let goal = goalBook[id] { return goal }
        guard let goal = try await store.goal(id: id) else { throw Self.goalNotFound(id) }
        return goal
    }

    /// What each of these goals' tasks spent so far, by goal id (the cost ledger's `by=goal`,
    /// for these goals only).
    public func goalCosts(ids: [String]) async throws -> [String: CostTotal] {
        try await store.goalCosts(ids: ids)
    }

    /// Cancels a goal that is not final; its workflow run and every other unfinished task of the
    /// goal are cancelled with it.
    public func cancelGoal(id: String, reason: String?) async throws -> GoalRecord {
        let why = reason.flatMap { $0.isEmpty ? nil : $0 } ?? "cancelled"
        let goal = try await moveGoal(id: id, to: .cancelled, reason: why)
        if let runID = goal.runID { _ = try? await cancelRun(id: runID, reason: "goal \(id) cancelled: \(why)") }
        // Then whatever else still works for it outside the run: its planning task, and the fix
        // tasks of its merge queue and of its final verify (all carry `metadata.goal`). A task
        // that ended meanwhile refuses, changing nothing.
        let leftovers = inspect { scheduler in
            scheduler.tasks.values.filter { $0.spec.metadata?["goal"]?.stringValue == id }.map(\.id)
        }
        for taskID in leftovers {
            _ = try? await cancel(id: taskID, reason: "goal \(id) cancelled: \(why)")
        }
        return goal
    }

    /// Puts a failed or cancelled goal back in the backlog, to be planned again.
    public func retryGoal(id: String) async throws -> GoalRecord {
        try await commitGoal(id: id) { goal, now in
            guard let goal else { throw Self.goalNotFound(id) }
            return try goal.retried(now: now)
        }
    }

    /// Moves a goal through ``GoalState/moved(to:)``: `invalid_state` (nothing changed) when
    /// the move is not allowed. `update` changes the goal in the same commit; `events` commit
    /// with it (after its `goal.state_changed`).
    @discardableResult
    public func moveGoal(id: String, to next: GoalState, reason: String? = nil, events: [WorkflowEvent] = [], update: @escaping @Sendable (inout GoalRecord) -> Void = { _ in }) async throws -> GoalRecord {
        try await commitGoal(id: id, events: events) { goal, now in
            guard let goal else { throw Self.goalNotFound(id) }
            var moved = try goal.moving(to: next, reason: reason, now: now)
            update(&moved)
            return moved
        }
    }

    /// Changes a goal without a state change (a plan attempt counted, a stage's `details`
    /// written), with `events` in the same commit.
    @discardableResult
    public func updateGoal(id: String, events: [WorkflowEvent] = [], _ update: @escaping @Sendable (inout GoalRecord) -> Void) async throws -> GoalRecord {
        try await updateGoal(id: id, events: events, checking: { _ in }, update)
    }

    /// ``updateGoal(id:events:_:)`` after `check` accepts the goal as memory holds it (under
    /// the same lock): a refusal changes nothing.
    func updateGoal(id: String, events: [WorkflowEvent] = [], checking check: @escaping @Sendable (GoalRecord) throws(FlotillaError) -> Void, _ update: @escaping @Sendable (inout GoalRecord) -> Void) async throws -> GoalRecord {
        try await commitGoal(id: id, events: events) { goal, now in
            guard var goal else { throw Self.goalNotFound(id) }
            try check(goal)
            update(&goal)
            goal.updatedAt = now
            return goal
        }
    }

    /// The one way a goal changes: `change` sees memory's goal (nil for a new one) under the
    /// scheduler's lock; the result is stored with an event when its state changed.
    @discardableResult
    private func commitGoal(id: String, events extra: [WorkflowEvent] = [], _ change: (GoalRecord?, Double) throws -> GoalRecord) async throws -> GoalRecord {
        if goalBook[id] == nil, let stored = try await store.goal(id: id) { goalBook.adopt(stored) }
        let outcome: Result<GoalRecord, FlotillaError>
        do {
            outcome = .success(try await mutate { scheduler, now in
                let (before, after) = try goalBook.change(id: id, now: now, change)
                // The scheduler holds a goal's tasks against its budget while it is not final.
                scheduler.setGoalBudget(id, usd: after.state.isFinal ? nil : after.budgetUSD, now: now)
                scheduler.recordWorkflow([.saveGoal(after)], events: (before?.state == after.state ? [] : [Self.goalEvent(before: before, after: after)]) + extra, now: now)
                return after
            })
        } catch {
            outcome = .failure(error)
        }
        if case .failure(let error) = outcome, error.code == .storeUnavailable {
            // Memory may hold a change the store refused: read the goal again next time.
            goalBook.forget(id)
        }
        return try outcome.get()
    }

    /// `goal.state_changed`: `{goal_id, title, from (null when added), to, reason, run_id}`.
    static func goalEvent(before: GoalRecord?, after: GoalRecord) -> WorkflowEvent {
        let reason: JSONValue = after.state.isFinal || after.state == .queued ? (after.reasons.last.map(JSONValue.string) ?? .null) : .null
        return WorkflowEvent(.goalStateChanged, data: [
            "goal_id": .string(after.id), "title": .string(after.title),
            "from": before.map { .string($0.state.rawValue) } ?? .null, "to": .string(after.state.rawValue),
            "reason": reason, "run_id": after.runID.map(JSONValue.string) ?? .null,
        ])
    }

    static func goalNotFound(_ id: String) -> FlotillaError {
        FlotillaError(.goalNotFound, "No goal has id '\(id)'.", field: "id")
    }
}
