public import FlotillaCore
import NIOHTTP1

extension HubClient {
    /// Creates a one-time sign-in link for the dashboard acting as this client's token:
    /// `{"code","path","expires_at"}`; `ttl` in seconds (1–3600, the hub's default 300).
    public func dashboardLink(ttl: Int? = nil) async throws -> JSONValue {
        let body: JSONValue = ttl.map { ["ttl_seconds": .int(Int64($0))] } ?? [:]
        return try await send(.POST, "/api/dashboard/links", body: body).body
    }
}
