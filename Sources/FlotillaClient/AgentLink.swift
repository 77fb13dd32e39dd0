public import FlotillaCore
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import HTTPTypes
import Foundation
import NIOSSL
import Synchronization

/// A WebSocket connection to the hub's `/ws` endpoint speaking the agent protocol.
///
/// Scoped: ``connect(url:token:_:)`` runs `body` while the socket is open and closes it after.
public struct AgentLink: Sendable {
    let outbound: WebSocketOutboundWriter
    let inbound: AsyncStream<Envelope>
    private let ids = IDGenerator()

    /// Sends an envelope.
    public func send(_ envelope: Envelope) async throws {
        try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: envelope.textBytes))))
    }

    /// Sends a message of `type` with a fresh id; returns the id (replies carry it as `ref`).
    @discardableResult
    public func send(_ type: MessageType, agentID: String? = nil, role: String? = nil, payload: JSONValue = .object([:])) async throws -> String {
        let id = ids.next()
        try await send(Envelope(id: id, type: type, agentID: agentID, role: role, payload: payload))
        return id
    }

    /// The messages from the hub, in order; ends when the socket closes.
    public var messages: AsyncStream<Envelope> { inbound }

    /// Connects, runs `body`, then closes. Throws if the upgrade is refused (e.g. 401).
    public static func connect<Value: Sendable>(
        url: String,
        token: String?,
        caFile: String? = nil,
        logger: Logger = Logger(label: "flotilla.agent-link"),
        _ body: @escaping @Sendable (AgentLink) async throws -> Value
    ) async throws -> Value {
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 24)
        if let token { configuration.additionalHeaders[.authorization] = "Bearer \(token)" }
        let result = Mutex<Result<Value, any Error>?>(nil)
        // A wss:// URL is verified against the system roots plus `caFile` (a self-signed hub).
        var tls: TLSConfiguration?
        if url.hasPrefix("wss://") {
            let host = URL(string: url)?.host ?? ""
            let settings = try HubTrust.webSocketConfiguration(host: host, caFile: caFile)
            tls = settings.tls
            configuration.sniHostname = settings.sniHostname
        }
        try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tls, logger: logger) { inbound, outbound, _ in
            let (stream, continuation) = AsyncStream.makeStream(of: Envelope.self)
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            if case .text(let text) = message, let envelope = try? Envelope(text: text) {
                                continuation.yield(envelope)
                            }
                        }
                    } catch {}
                    continuation.finish()
                }
                let outcome: Result<Value, any Error>
                do {
                    outcome = .success(try await body(AgentLink(outbound: outbound, inbound: stream)))
                } catch {
                    outcome = .failure(error)
                }
                result.withLock { $0 = outcome }
                group.cancelAll()
            }
            try? await outbound.close(.normalClosure, reason: nil)
        }
        guard let outcome = result.withLock({ $0 }) else {
            throw HubClient.Failure(status: 0, code: "connection_failed", message: "The WebSocket to \(url) closed before the session ran (refused upgrade or bad token?).", field: nil)
        }
        return try outcome.get()
    }
}
