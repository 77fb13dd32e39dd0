public import FlotillaCore

extension Engine {
    /// Sets a goal's budget (`POST /api/goals/{id}/budget`): tasks held because the goal spent
    /// its old budget go out at once when the new one leaves room. `invalid_field` for an
    /// amount that is not above 0 (nor above 1,000,000), `goal_not_found`, and
    /// `invalid_state` for a goal that has ended; nothing changes then.
    public func setGoalBudget(id: String, body: JSONValue) async throws -> GoalRecord {
        let usd = try Self.goalBudget(body)
        return try await updateGoal(id: id, checking: { (goal: GoalRecord) throws(FlotillaError) in
            guard !goal.state.isFinal else {
                throw FlotillaError(.invalidState, "Goal \(id) has ended (\(goal.state.rawValue)); its budget cannot change.", field: "id")
            }
        }) { $0.budgetUSD = usd }
    }

    /// What the goal's tasks spent so far, as the scheduler holds them against its budget.
    public func goalSpent(id: String) -> Double { inspect { $0.goalSpent(id) } }

    /// Reads `{"budget_usd": n}`.
    static func goalBudget(_ body: JSONValue) throws(FlotillaError) -> Double {
        guard let object = body.objectValue else {
            throw FlotillaError(.invalidField, "The body must be a JSON object {\"budget_usd\": n}, got \(body.typeName).", field: "body")
        }
        for key in object.keys.sorted() where key != "budget_usd" {
            throw FlotillaError(.unknownField, "Unknown field '\(key)'; a goal's budget takes budget_usd.", field: key)
        }
        guard let value = object["budget_usd"] else {
            throw FlotillaError(.missingField, "'budget_usd' is required: the goal's new budget in US dollars.", field: "budget_usd")
        }
        guard let amount = value.doubleValue, amount.isFinite, amount > 0, amount <= 1_000_000 else {
            throw FlotillaError(.invalidField, "'budget_usd' must be a number of US dollars above 0 and at most 1000000, got \(value.jsonString).", field: "budget_usd")
        }
        return amount
    }
}
