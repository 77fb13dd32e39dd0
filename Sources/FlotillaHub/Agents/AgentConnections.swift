import FlotillaCore
import Synchronization

/// Outgoing message queues of the open agent sockets, by connection number.
///
/// The queues carry envelopes, not text: each socket's writer serialises its own, so that work
/// runs in parallel across connections instead of on the commit loop that delivers them.
final class AgentConnections: Sendable {
    private let outboxes = Mutex<[Int: AsyncStream<Envelope>.Continuation]>([:])

    /// Opens the queue for a connection; the socket's writer drains the returned stream.
    func open(_ connection: Int) -> AsyncStream<Envelope> {
        let (stream, continuation) = AsyncStream.makeStream(of: Envelope.self)
        outboxes.withLock { $0[connection] = continuation }
        return stream
    }

    func send(_ envelope: Envelope, to connection: Int) {
        let outbox = outboxes.withLock { $0[connection] }
        outbox?.yield(envelope)
    }

    /// Ends the connection's queue; its writer then closes the socket.
    func close(_ connection: Int) {
        let outbox = outboxes.withLock { $0.removeValue(forKey: connection) }
        outbox?.finish()
    }

    func closeAll() {
        let all = outboxes.withLock { boxes in
            defer { boxes = [:] }
            return Array(boxes.values)
        }
        for outbox in all { outbox.finish() }
    }
}
