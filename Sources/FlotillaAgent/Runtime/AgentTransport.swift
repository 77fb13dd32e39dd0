public import FlotillaCore
public import FlotillaClient
import Synchronization

/// One live connection to the hub that carries envelopes both ways.
public protocol AgentChannel: Sendable {
    func send(_ envelope: Envelope) async throws
    /// The hub's messages in order; ends when the connection closes.
    var messages: AsyncStream<Envelope> { get }
}

/// How an agent reaches the hub (the built-in WebSocket, or an MQTT broker).
public protocol AgentTransport: Sendable {
    /// Opens a connection and runs `body` on it; returns or throws when the connection ends.
    func session(_ body: @escaping @Sendable (any AgentChannel) async throws -> Void) async throws
    /// Where it connects, for logs.
    var endpoint: String { get }
}

extension AgentLink: AgentChannel {}

/// The hub's `/ws` endpoint.
public struct WebSocketTransport: AgentTransport {
    public let url: String
    public let token: String?
    /// A CA file (PEM) to trust for a `wss://` hub with a self-signed certificate.
    public let caFile: String?

    /// `hub` may be the hub's base URL (`http://host:7700`) or the WebSocket URL itself.
    public init(hub: String, token: String?, caFile: String? = nil) {
        var url = hub
        if url.hasPrefix("http://") { url = "ws://" + url.dropFirst("http://".count) }
        if url.hasPrefix("https://") { url = "wss://" + url.dropFirst("https://".count) }
        if !url.hasSuffix("/ws") { url = (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/ws" }
        self.url = url
        self.token = token
        self.caFile = caFile
    }

    public var endpoint: String { SecretRedactor.redactURL(url) }

    public func session(_ body: @escaping @Sendable (any AgentChannel) async throws -> Void) async throws {
        let opened = Mutex(false)
        do {
            try await AgentLink.connect(url: url, token: token, caFile: caFile) { link in
                opened.withLock { $0 = true }
                try await body(link)
            }
        } catch {
            // The WebSocket client reports a refused upgrade without its status; ask the hub
            // over plain HTTP whether it is the token, which no retry can fix.
            if opened.withLock({ $0 }) { throw error }
            if let refusal = await refusedToken() { throw refusal }
            throw error
        }
    }

    /// The hub's refusal of this token, or nil when it accepts it or cannot be asked (a hub
    /// that is down is retried as usual).
    func refusedToken() async -> AgentError? {
        await HubClient.socketTokenRefusal(url: url, token: token, caFile: caFile).map { AgentError(.unauthorized, $0) }
    }
}
