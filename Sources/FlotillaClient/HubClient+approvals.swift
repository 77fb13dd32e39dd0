public import FlotillaCore

/// The approval queue (docs/approvals.md), as the hub's JSON.
extension HubClient {
    /// `GET /api/approvals` with `state`, `agent`, `task_id`, `limit`.
    public func approvals(query: [String: String] = [:]) async throws -> JSONValue {
        try await send(.GET, "/api/approvals" + Self.queryString(query)).body
    }

    /// `GET /api/approvals/{id}`.
    public func approval(id: String) async throws -> JSONValue {
        try await send(.GET, "/api/approvals/\(Self.segment(id))").body
    }

    /// `POST /api/approvals/{id}/allow` or `…/deny` with `reason` (and `choice` for allow).
    public func decideApproval(id: String, allow: Bool, reason: String?, choice: String?) async throws -> JSONValue {
        var body: [String: JSONValue] = [:]
        if let reason { body["reason"] = .string(reason) }
        if let choice { body["choice"] = .string(choice) }
        return try await send(.POST, "/api/approvals/\(Self.segment(id))/\(allow ? "allow" : "deny")", body: .object(body)).body
    }
}
