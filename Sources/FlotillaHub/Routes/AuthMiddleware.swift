import FlotillaCore
import FlotillaEngine
import Hummingbird

/// Checks the bearer token, then that its scope may use the route (``RouteScopes``, else 403),
/// then the token's rate (`429 rate_limited` with `Retry-After`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let tokens: TokenAuthority
    let guards: HubGuards

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let identity = try tokens.authenticate(header: request.headers[.authorization])
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
}
