import Synchronization

/// Outgoing message queues of the open agent sockets, by connection number.
final class AgentConnections: Sendable {
    private let outboxes = Mutex<[Int: AsyncStream<String>.Continuation]>([:])

    /// Opens the queue for a connection; the socket's writer drains the returned stream.
    func open(_ connection: Int) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outboxes.withLock { $0[connection] = continuation }
        return stream
    }

    func send(_ text: String, to connection: Int) {
        let outbox = outboxes.withLock { $0[connection] }
        outbox?.yield(text)
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
