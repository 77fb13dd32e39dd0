public import FlotillaCore

/// The hub's goal routes (`/api/goals…`; docs/api.md "Goals"): answers are the hub's JSON as
/// sent; the CLI prints them with `--json` and reads the few members it shows.
extension HubClient {
    /// Adds a goal to the backlog; returns it (state `queued`).
    public func addGoal(title: String, repo: String, budgetUSD: Double? = nil, priority: Int? = nil, approvePlan: Bool = false, verify: [String] = []) async throws -> JSONValue {
        var body: [String: JSONValue] = ["title": .string(title), "repo": .string(repo)]
        if let budgetUSD { body["budget_usd"] = .double(budgetUSD) }
        if let priority { body["priority"] = .int(Int64(priority)) }
        if approvePlan { body["approve_plan"] = true }
        if !verify.isEmpty { body["verify"] = .array(verify.map(JSONValue.string)) }
        return try await send(.POST, "/api/goals", body: .object(body)).body
    }

    /// Goals newest first: `{"goals":[…]}`; `query` takes `state` and `limit`.
    public func goals(query: [String: String] = [:]) async throws -> JSONValue {
        try await send(.GET, "/api/goals" + Self.queryString(query)).body
    }

    public func goal(id: String) async throws -> JSONValue {
        try await send(.GET, "/api/goals/\(Self.segment(id))").body
    }

    public func cancelGoal(id: String, reason: String? = nil) async throws -> JSONValue {
        try await send(.POST, "/api/goals/\(Self.segment(id))/cancel", body: reason.map { ["reason": .string($0)] } ?? .object([:])).body
    }

    public func retryGoal(id: String) async throws -> JSONValue {
        try await send(.POST, "/api/goals/\(Self.segment(id))/retry").body
    }

    /// Sets a goal's budget (`{"budget_usd": n}`; anything else is sent as given, for the hub to refuse).
    public func setGoalBudget(id: String, budgetUSD: JSONValue) async throws -> JSONValue {
        try await send(.POST, "/api/goals/\(Self.segment(id))/budget", body: ["budget_usd": budgetUSD]).body
    }
}
