public import FlotillaCore

/// Where the engine's messages for one agent connection go: the transport registers one per
/// connection (a WebSocket writer, the MQTT bridge's inbox publisher, a test's collector).
///
/// `send` runs on the commit path (after the change is durable, in commit order), so it must
/// not block or wait: queue the envelope and write it elsewhere.
public protocol AgentOutbox: Sendable {
    /// Queues a message; never blocks, and does nothing once the outbox is finished.
    func send(_ envelope: Envelope)
    /// Sends what is queued, then ends the outbox (its connection then closes).
    func finish()
}

/// An outbox drained by a task (the MQTT bridge publishes each message to the agent's inbox).
public struct StreamOutbox: AgentOutbox {
    let continuation: AsyncStream<Envelope>.Continuation

    /// An outbox and the stream of what is sent to it (it ends when the outbox finishes).
    public static func make() -> (outbox: StreamOutbox, messages: AsyncStream<Envelope>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Envelope.self)
        return (StreamOutbox(continuation: continuation), stream)
    }

    public func send(_ envelope: Envelope) { continuation.yield(envelope) }
    public func finish() { continuation.finish() }
}
