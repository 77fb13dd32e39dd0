import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird

/// Checks the bearer token (or, without an `Authorization` header, the dashboard's session
/// cookie, and for a change its CSRF token), then that its scope may use the route
/// (``RouteScopes``, else 403), then the token's rate (`429 rate_limited` with `Retry-After`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let tokens: TokenAuthority
    let guards: HubGuards

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let identity: Identity
        if request.headers[.authorization] == nil, request.headers[.upgrade] == nil, let cookie = SessionCookie.value(in: request.headers) {
            let (signedIn, session) = try tokens.authenticate(session: cookie)
            try Self.checkCSRF(request, session: session)
            identity = signedIn
            context.browserSession = session
        } else {
            identity = try tokens.authenticate(header: request.headers[.authorization])
        }
        try RouteScopes.check(identity, route: "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)")
        context.identity = identity
        do {
            try guards.rates.admit(identity)
        } catch {
            // A refused WebSocket upgrade is answered by RefusedUpgradeWriter from the thrown error.
            if request.headers[.upgrade] != nil { throw error.error }
            var response = JSONResponse.error(error.error)
            response.headers[.retryAfter] = String(error.retryAfterSeconds)
            return response
        }
        return try await next(request, context)
    }

    /// A browser sends the cookie with any request to the hub, even one another page made it
    /// send: a change must also carry the session's CSRF token, which only the hub's own page
    /// can read (`GET /auth/session`).
    static func checkCSRF(_ request: Request, session: BrowserSessionRow) throws(FlotillaError) {
        guard request.method != .get, request.method != .head else { return }
        guard let sent = request.headers[.csrfToken], TokenSecret.constantTimeEqual(sent, session.csrfToken) else {
            throw FlotillaError(.csrfFailed, "\(request.method.rawValue) with the dashboard's session cookie needs the header 'X-CSRF-Token' with the session's csrf_token (GET /auth/session); reload the page to get it again.")
        }
    }
}
