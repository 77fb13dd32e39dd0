public import FlotillaCore

/// Notification deliveries (docs/notifications.md), as the hub's JSON.
extension HubClient {
    /// `GET /api/notifications` with `status` and `limit`.
    public func notifications(query: [String: String] = [:]) async throws -> JSONValue {
        try await send(.GET, "/api/notifications" + Self.queryString(query)).body
    }
}
