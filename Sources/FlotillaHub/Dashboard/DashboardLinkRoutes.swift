import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird

/// `POST /api/dashboard/links`: a one-time sign-in link acting as the caller's token, for
/// `flotilla dashboard` (as Jupyter prints one): opening it signs a browser in without pasting
/// the token.
struct DashboardLinkRoutes {
    let hub: Hub

    /// Default and bounds of `ttl_seconds`.
    static let defaultTTL = 300
    static let ttlRange = 1...3600

    func add(to api: RouterGroup<HubRequestContext>) {
        let hub = self.hub
        api.post("dashboard/links") { request, context in
            guard let identity = context.identity else { throw FlotillaError(.unauthorized, "Sign in first.") }
            let body = try await JSONResponse.optionalBody(of: request, limit: 4096) ?? [:]
            let ttl = try Self.ttl(body)
            let (code, expiresAt) = hub.tokens.browser.createLink(tokenID: identity.tokenID, ttl: Double(ttl))
            return JSONResponse.make([
                "code": .string(code),
                "path": .string("/auth/link?code=\(code)"),
                "expires_at": .string(Timestamp.iso8601(expiresAt)),
            ], status: .created)
        }
    }

    /// `ttl_seconds` of the body (`{}` or `{"ttl_seconds": N}`), checked.
    static func ttl(_ body: JSONValue) throws(FlotillaError) -> Int {
        guard case .object(let fields) = body else {
            throw FlotillaError(.invalidField, "The body must be a JSON object: {} or {\"ttl_seconds\": 300}.")
        }
        if let unknown = fields.keys.first(where: { $0 != "ttl_seconds" }) {
            throw FlotillaError(.unknownField, "Unknown field '\(unknown)': a link takes only 'ttl_seconds'.", field: unknown)
        }
        guard let value = fields["ttl_seconds"], value != .null else { return defaultTTL }
        guard let ttl = value.intValue.map(Int.init), ttlRange.contains(ttl) else {
            throw FlotillaError(.invalidField, "'ttl_seconds' must be a whole number of seconds from 1 to 3600, got \(value.jsonString).", field: "ttl_seconds")
        }
        return ttl
    }
}
