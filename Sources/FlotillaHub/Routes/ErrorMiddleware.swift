import FlotillaCore
import FlotillaEngine
import FlotillaWorkflows
import Hummingbird
import Logging

/// Renders every error as `{"error":{"code","message","field"}}` with its HTTP status (a
/// workflow file's or a run's inputs' ``WorkflowError`` is 422 with its own code).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as FlotillaError {
            return JSONResponse.error(error)
        } catch let error as WorkflowError {
            return JSONResponse.workflowError(error)
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
