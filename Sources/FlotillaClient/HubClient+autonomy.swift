public import FlotillaCore

extension HubClient {
    /// The hub's own initiative (`GET /api/autonomy`; docs/goals.md): its state, today's
    /// budget, repositories, recent decisions and findings. Throws `not_found` when it is off.
    public func autonomy(limit: Int? = nil) async throws -> JSONValue {
        try await send(.GET, "/api/autonomy" + Self.queryString(limit.map { ["limit": String($0)] } ?? [:])).body
    }
}
