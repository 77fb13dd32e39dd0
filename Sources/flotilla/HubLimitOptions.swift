import ArgumentParser
import FlotillaHub

/// `flotilla hub`'s bounds and transport security: timeouts, rates, stream caps, buffers, TLS.
/// The defaults (``HubLimits``) never bite the benchmark or a fleet; they stop runaway or
/// hostile clients.
struct HubLimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Serve HTTPS/WSS with this certificate chain (PEM); needs --tls-key.", valueName: "pem"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The private key of --tls-cert (PEM).", valueName: "pem"))
    var tlsKey: String?

    @Flag(help: "Serve plain HTTP on a non-loopback --host anyway (tokens travel in clear; only on a network you trust).")
    var insecure = false

    @Option(help: "Seconds a new connection may take to send its first request's headers before it is closed.")
    var headerTimeoutSeconds: Double = HubLimits().headerTimeout

    @Option(help: "Seconds a keep-alive connection may sit idle between requests before it is closed.")
    var idleTimeoutSeconds: Double = HubLimits().idleTimeout

    @Option(help: "Requests a second each token may make (over it: 429 rate_limited with Retry-After).")
    var rateLimit: Double = HubLimits().requestsPerSecond

    @Option(help: "Requests a token may make in a burst before --rate-limit applies.")
    var rateBurst: Double = HubLimits().burst

    @Option(help: "Open streams (SSE, /ws, ?wait) one token may hold (over it: 429).")
    var maxStreamsPerToken = HubLimits().streamsPerToken

    @Option(help: "Open streams the hub holds in all (over it: 503 overloaded).")
    var maxStreams = HubLimits().streamsTotal

    @Option(help: "Events an event stream may fall behind before it is disconnected.")
    var eventBuffer = HubLimits().eventBufferSize

    @Option(help: "Bytes queued for an agent socket that is not reading before it is disconnected.")
    var maxOutboxBytes = HubLimits().outboxBytes

    @Option(help: "Largest payload of a message an agent relays to others, in bytes.")
    var maxMessageBytes = HubLimits().messageBytes

    @Option(help: "Reports and controls one agent connection may have awaiting commit before the hub stops reading it until one commits.")
    var maxPendingCommits = HubLimits().pendingCommits

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together: give both to serve HTTPS.") }
        guard headerTimeoutSeconds > 0, idleTimeoutSeconds > 0 else { throw ValidationError("--header-timeout-seconds and --idle-timeout-seconds must be positive.") }
        guard rateLimit > 0, rateBurst >= 1 else { throw ValidationError("--rate-limit must be positive and --rate-burst at least 1.") }
        guard maxStreamsPerToken > 0, maxStreams > 0 else { throw ValidationError("--max-streams-per-token and --max-streams must be positive.") }
        guard eventBuffer > 0, maxOutboxBytes > 0, maxMessageBytes > 0 else { throw ValidationError("--event-buffer, --max-outbox-bytes and --max-message-bytes must be positive.") }
        guard maxPendingCommits > 0 else { throw ValidationError("--max-pending-commits must be positive.") }
    }

    var limits: HubLimits {
        var limits = HubLimits()
        limits.headerTimeout = headerTimeoutSeconds
        limits.idleTimeout = idleTimeoutSeconds
        limits.requestsPerSecond = rateLimit
        limits.burst = rateBurst
        limits.streamsPerToken = maxStreamsPerToken
        limits.streamsTotal = maxStreams
        limits.eventBufferSize = eventBuffer
        limits.outboxBytes = maxOutboxBytes
        limits.messageBytes = maxMessageBytes
        limits.pendingCommits = maxPendingCommits
        return limits
    }

    var tls: HubTLS? {
        guard let tlsCert, let tlsKey else { return nil }
        return HubTLS(certificatePath: tlsCert, keyPath: tlsKey)
    }

    /// Applies these options to a hub configuration.
    func apply(to configuration: inout HubConfiguration) {
        configuration.limits = limits
        configuration.tls = tls
        configuration.insecure = insecure
    }
}
