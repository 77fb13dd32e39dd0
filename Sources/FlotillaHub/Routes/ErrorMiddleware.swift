import FlotillaCore
import FlotillaEngine
import Hummingbird
import Logging

/// Renders every error as `{"error":{"code","message","field"}}` with its HTTP status.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as FlotillaError {
            return JSONResponse.error(error)
        } catch let error as HTTPError {
            let code: FlotillaError.Code = switch error.status.code {
            case 404: .notFound
            case 413: .bodyTooLarge
            case 401: .unauthorized
            case 400: .invalidField
            case 405: .notFound
            default: .internalError
            }
            let message = error.status.code == 404 ? "No route for \(request.method) \(request.uri.path)." : (error.body ?? error.status.reasonPhrase)
            return JSONResponse.error(FlotillaError(code, message), status: error.status)
        } catch {
            context.logger.error("unhandled error: \(error)")
            return JSONResponse.error(FlotillaError(.internalError, "Internal error: \(error)"))
        }
    }
}

/// Checks the bearer token (admin routes refuse agent tokens, 403), then the token's rate
/// (`429 rate_limited` with `Retry-After`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let tokens: TokenAuthority
    let adminOnly: Bool
    let guards: HubGuards

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let identity = try tokens.authenticate(header: request.headers[.authorization])
        if adminOnly, !identity.isAdmin {
            throw FlotillaError(.forbidden, "Agent tokens may only connect to /ws; \(request.uri.path) needs an admin token.")
        }
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
