import FlotillaCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// `/ws`: the agent protocol. One `AgentSession` per socket; a writer child drains the
/// connection's outbox (assignments, cancels, acks) while the reader applies what comes in.
struct AgentSocketRoute {
    let hub: Hub

    func add(to router: Router<HubRequestContext>) {
        let hub = self.hub
        router.group("ws")
            .add(middleware: AuthMiddleware(tokens: hub.tokens, adminOnly: false))
            .ws("") { inbound, outbound, context in
                guard let identity = context.requestContext.identity else { return }
                let connection = hub.inspect { $0.openConnection() }
                let outbox = hub.connections.open(connection)
                let session = AgentSession(hub: hub, identity: identity, connection: connection, logger: context.logger)
                try? await context.requestContext.channel.pipeline.addHandler(FlushCoalescingHandler(), position: .first)
                // Ends on graceful shutdown too, so an open socket never holds the server up.
                await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await envelope in outbox {
                            do { try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: envelope.textBytes)))) } catch { break }
                        }
                    }
                    group.addTask {
                        do {
                            for try await message in inbound.messages(maxSize: hub.configuration.maxBodySize) {
                                switch message {
                                case .text(let text): await session.handle(text: text)
                                case .binary(let buffer): await session.handle(text: String(buffer: buffer))
                                }
                            }
                        } catch {
                            context.logger.debug("agent socket \(connection) ended: \(error)")
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
                } onGracefulShutdown: {
                    hub.connections.close(connection)
                }
                session.closed()
            }
    }
}
