import FlotillaCore
import Hummingbird
import NIOCore
import Synchronization

/// Why the hub refused a WebSocket upgrade, per connection, until the refusal is written.
///
/// Hummingbird answers any refused upgrade with an empty `400 Bad Request`: the reason the
/// route gave (a missing, wrong or revoked token) is lost. The `/ws` route records it here, and
/// ``RefusedUpgradeWriter``, in the connection's pipeline, writes it instead, as the same JSON
/// error and status every other route answers with (`401 unauthorized`).
final class UpgradeRefusals: Sendable {
    private let refusals = Mutex<[ObjectIdentifier: FlotillaError]>([:])

    func record(_ error: FlotillaError, for channel: any Channel) {
        refusals.withLock { $0[ObjectIdentifier(channel)] = error }
    }

    /// The refusal recorded for a connection, removed.
    func take(for channel: any Channel) -> FlotillaError? {
        refusals.withLock { $0.isEmpty ? nil : $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// Records, for the connection, an error the `/ws` route throws while deciding an upgrade.
struct UpgradeRefusalMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let refusals: UpgradeRefusals

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as FlotillaError {
            if request.headers[.upgrade]?.lowercased() == "websocket" { refusals.record(error, for: context.channel) }
            throw error
        }
    }
}
