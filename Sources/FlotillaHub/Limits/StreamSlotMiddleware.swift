import FlotillaCore
import Hummingbird

/// Takes a stream slot for a WebSocket upgrade before it is accepted, so a token over its cap
/// (or a hub at its total) is refused with 429 / 503 rather than upgraded and dropped.
struct StreamSlotMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let streams: StreamQuota
    let kind: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { return try await next(request, context) }
        var context = context
        context.streamTicket = try streams.acquire(identity, kind: kind)
        return try await next(request, context)
    }
}
