public import FlotillaCore

/// The cost ledger and budgets (docs/costs.md), as the hub's JSON.
extension HubClient {
    /// `GET /api/costs` with `by`, `since`, `until`.
    public func costs(query: [String: String] = [:]) async throws -> JSONValue {
        try await send(.GET, "/api/costs" + Self.queryString(query)).body
    }

    /// `GET /api/budgets`: the limits and today's spending.
    public func budgets() async throws -> JSONValue {
        try await send(.GET, "/api/budgets").body
    }

    /// `PUT /api/budgets`: changes the limits named in `body` (admin).
    public func setBudgets(_ body: JSONValue) async throws -> JSONValue {
        try await send(.PUT, "/api/budgets", body: body).body
    }
}
