import FlotillaCore
import FlotillaEngine
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// `/ws`: the agent protocol. The engine's `AgentSession` for the socket applies what comes in;
/// the engine's messages (assignments, cancels, acks) go out through the connection's
/// ``SocketOutbox``.
struct AgentSocketRoute {
    let hub: Hub
    /// Where a refused upgrade's reason goes, to be answered as 401 + JSON, not an empty 400.
    let refusals: UpgradeRefusals
    /// Rates and stream caps.
    let guards: HubGuards

    func add(to router: Router<HubRequestContext>) {
        let hub = self.hub
        let guards = self.guards
        router.group("ws")
            .add(middleware: UpgradeRefusalMiddleware(refusals: refusals))
            .add(middleware: AuthMiddleware(tokens: hub.tokens, guards: guards))
            .add(middleware: StreamSlotMiddleware(streams: guards.streams, kind: "agent socket"))
            .ws("") { inbound, _, context in
                guard let identity = context.requestContext.identity else { return }
                defer { context.requestContext.streamTicket?.release() }
                let channel = context.requestContext.channel
                let outbox = SocketOutbox(channel: channel, maxQueuedBytes: guards.limits.outboxBytes, logger: context.logger)
                let session = hub.engine.openSession(identity: identity, outbox: outbox, logger: context.logger) { envelope, identity, recipients throws(FlotillaError) in
                    try guards.admitRelay(envelope, from: identity, recipients: recipients)
                }
                let connection = session.connection
                // Revoking the token closes the socket (the outbox ends, then the reader).
                let opened = hub.tokens.sessions.open(tokenID: identity.tokenID) { session.disconnect() }
                // Like the whole connection (EventLoopPinnedChannel), the reader runs on the
                // socket's event loop: a frame read resumes it there without waking a thread.
                // Ends on graceful shutdown too, so an open socket never holds the server up.
                await withGracefulShutdownHandler {
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { await outbox.finished() }
                        group.addTask {
                            do {
                                for try await message in inbound.messages(maxSize: hub.configuration.maxBodySize) {
                                    switch message {
                                    case .text(let text): session.handle(text: text)
                                    case .binary(let buffer): session.handle(text: String(buffer: buffer))
                                    }
                                    // Too many of this agent's changes await commit: read
                                    // on once one commits (TCP then slows the agent down).
                                    if session.isSaturated { await session.waitForRoom() }
                                }
                            } catch {
                                context.logger.debug("agent socket \(connection) ended: \(error)")
                            }
                        }
                        await group.next()
                        // Either the agent left (the outbox is no longer needed) or the hub
                        // closed the outbox (the reader is no longer needed).
                        outbox.finish()
                        group.cancelAll()
                    }
                } onGracefulShutdown: {
                    session.disconnect()
                }
                hub.tokens.sessions.close(opened)
                session.closed()
            }
    }
}
