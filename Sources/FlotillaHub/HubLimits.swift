/// The hub's bounds on connections, buffers and request rates. Every default is what
/// `flotilla hub` uses without flags; they are far above what the benchmark (`flotilla bench`,
/// 256 concurrent clients on one token) or a fleet needs, so they only bite a runaway or
/// hostile client.
public struct HubLimits: Sendable {
    /// Seconds a new connection may take to send its first request's headers (TLS handshake
    /// included) before it is closed: a slowloris or an idle unauthenticated socket. Default 10.
    public var headerTimeout: Double = 10
    /// Seconds a keep-alive HTTP connection may sit idle between requests. Default 120.
    public var idleTimeout: Double = 120
    /// Requests a second each token may make (HTTP requests and `/ws` upgrades; `message`
    /// relays on a socket). Default 20,000.
    public var requestsPerSecond: Double = 20_000
    /// Requests a token may make at once before the rate applies. Default 40,000.
    public var burst: Double = 40_000
    /// Open streams (SSE, `/ws`, `?wait` long polls) one token may hold. Default 1,024.
    public var streamsPerToken: Int = 1_024
    /// Open streams the hub holds in all. Default 8,192.
    public var streamsTotal: Int = 8_192
    /// Events an SSE subscriber may fall behind before it is disconnected. Default 8,192.
    public var eventBufferSize: Int = 8_192
    /// Bytes queued for an agent socket the peer is not reading before it is disconnected.
    /// Default 16 MiB.
    public var outboxBytes: Int = 16 << 20
    /// Reports and controls (`ready`, `drain`, `heartbeat`) one agent connection may have
    /// awaiting commit. At the bound the hub stops reading that connection until one commits,
    /// so an agent that floods is slowed down by TCP (or the broker) instead of growing the
    /// commit queue. Default 256.
    public var pendingCommits: Int = 256
    /// Largest payload of an agent's `message` (relayed to other agents), in bytes. Default 64 KiB.
    public var messageBytes: Int = 64 << 10

    public init() {}
}
