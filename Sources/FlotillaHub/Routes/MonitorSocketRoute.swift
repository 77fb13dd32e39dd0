import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import ServiceLifecycle
import Synchronization

/// The monitor socket: a WebSocket at the root (`ws://HOST:PORT/`) with
/// the watched agents' events as ``MonitorMessage``s, live, after a `connected` greeting.
///
/// A viewer token or above in `Authorization: Bearer …`, or `?token=…` for clients that cannot set headers
/// (a browser's `new WebSocket(url)`). `?since=SEQ` first replays the log after SEQ. Messages
/// from the client: `{"type":"ping"}` → `{"type":"pong"}`; `{"type":"subscribe","sessions":[…]}`
/// keeps only those agents' events (an empty list: all).
struct MonitorSocketRoute {
    let hub: Hub
    /// Rates and stream caps, as on every other stream.
    let guards: HubGuards

    func add(to router: some RouterMethods<HubRequestContext>) {
        let hub = self.hub
        let guards = self.guards
        router.ws("") { request, _ in
            let token = request.uri.queryParameters["token"].map { "Bearer " + String($0) }
            let identity = try hub.tokens.authenticate(header: request.headers[.authorization] ?? token)
            try RouteScopes.check(identity, route: "GET /")
            if let raw = request.uri.queryParameters["since"], Int64(raw) == nil {
                throw FlotillaError(.invalidField, "'since' must be an event sequence number, got '\(raw)'.", field: "since")
            }
            // A plain GET of the root is a browser's: DashboardPageMiddleware serves it the page.
            guard request.headers[.upgrade]?.lowercased() == "websocket" else { return .dontUpgrade }
            do { try guards.rates.admit(identity) } catch let limited as RateLimited { throw limited.error }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            // Taken before subscribing: what is published in between is read back from the
            // store, so nothing falls between the replay and the live stream.
            let start = context.request.uri.queryParameters["since"].flatMap { Int64($0) } ?? hub.events.lastSeq
            // Checked in shouldUpgrade; read again here for the stream slot it holds.
            let token = context.request.uri.queryParameters["token"].map { "Bearer " + String($0) }
            guard let identity = try? hub.tokens.authenticate(header: context.request.headers[.authorization] ?? token) else { return }
            let ticket: StreamTicket
            do {
                ticket = try guards.streams.acquire(identity, kind: "monitor socket")
            } catch let refused as FlotillaError {
                try? await outbound.close(.policyViolation, reason: "\(refused.code.rawValue): \(refused.message)")
                return
            } catch {
                return
            }
            defer { ticket.release() }
            // A client that stops reading is cut off when its bounded buffer fills.
            let channel = context.requestContext.channel
            let sessions = SessionFilter()
            let (live, end) = hub.events.subscription(where: { MonitorMessage.monitorName(of: $0.kind) != nil }) { lag in
                context.logger.warning("closing a monitor socket that stopped reading: it fell \(lag) events behind")
                channel.close(promise: nil)
            }
            // Revoking the token ends the live stream, and with it the socket.
            let session = hub.tokens.sessions.open(tokenID: identity.tokenID, end: end)
            defer { hub.tokens.sessions.close(session) }
            let greeting: JSONValue = [
                "type": "connected", "message": "Connected to the Flotilla hub's agent monitor events",
                "timestamp": .int(Int64((Timestamp.now() * 1000).rounded())), "seq": .int(start),
            ]
            try await outbound.write(.text(greeting.jsonString))
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await Self.send(after: start, live: live, hub: hub, outbound: outbound) { event in
                                sessions.keeps(event)
                            }
                        } catch {
                            context.logger.debug("monitor socket ended: \(error)")
                        }
                    }
                    group.addTask {
                        do {
                            for try await message in inbound.messages(maxSize: 64 * 1024) {
                                guard case .text(let text) = message, let json = try? JSONValue.parse(text) else { continue }
                                switch json["type"]?.stringValue {
                                case "ping":
                                    let pong: JSONValue = ["type": "pong", "timestamp": .int(Int64((Timestamp.now() * 1000).rounded()))]
                                    try await outbound.write(.text(pong.jsonString))
                                case "subscribe":
                                    let names = json["sessions"]?.arrayValue?.compactMap(\.stringValue) ?? []
                                    sessions.set(names)
                                default:
                                    break
                                }
                            }
                        } catch {
                            context.logger.debug("monitor socket reader ended: \(error)")
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                hub.events.finishAll()
            }
        }
    }

    /// The agents a client subscribed to (`subscribe`); none means all.
    final class SessionFilter: Sendable {
        private let names = Mutex<Set<String>>([])

        func set(_ list: [String]) { names.withLock { $0 = Set(list) } }

        func keeps(_ event: EventRecord) -> Bool {
            let wanted = names.withLock { $0 }
            return wanted.isEmpty || event.agentID.map(wanted.contains) == true
        }
    }

    /// Replays the log after `start` from the store, then forwards live events.
    static func send(
        after start: Int64, live: AsyncStream<EventRecord>, hub: Hub, outbound: WebSocketOutboundWriter, keep: @Sendable (EventRecord) -> Bool
    ) async throws {
        var last = start
        while true {
            let page = try await hub.engine.storedEvents(after: last, limit: 1000)
            for event in page where keep(event) {
                if let message = MonitorMessage.json(event) { try await outbound.write(.text(message.jsonString)) }
            }
            if let newest = page.last { last = newest.seq }
            if page.count < 1000 { break }
        }
        for await event in live where event.seq > last && keep(event) {
            last = event.seq
            if let message = MonitorMessage.json(event) { try await outbound.write(.text(message.jsonString)) }
        }
    }
}
