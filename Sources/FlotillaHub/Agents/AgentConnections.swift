import FlotillaCore
import Logging
import NIOCore
import Synchronization

/// The outboxes of the connected agents, by connection number.
final class AgentConnections: Sendable {
    private let outboxes = Mutex<[Int: any AgentOutbox]>([:])

    /// Opens an outbox that a task drains (the MQTT bridge).
    func open(_ connection: Int) -> AsyncStream<Envelope> {
        let (stream, continuation) = AsyncStream.makeStream(of: Envelope.self)
        outboxes.withLock { $0[connection] = StreamOutbox(continuation: continuation) }
        return stream
    }

    /// Opens an outbox that writes to an agent's WebSocket.
    func open(_ connection: Int, channel: any Channel, maxQueuedBytes: Int = .max, logger: Logger = Logger(label: "flotilla.hub")) -> SocketOutbox {
        let outbox = SocketOutbox(channel: channel, maxQueuedBytes: maxQueuedBytes, logger: logger)
        outboxes.withLock { $0[connection] = outbox }
        return outbox
    }

    /// The connections open now.
    var numbers: Set<Int> { outboxes.withLock { Set($0.keys) } }

    func send(_ envelope: Envelope, to connection: Int) {
        let outbox = outboxes.withLock { $0[connection] }
        outbox?.send(envelope)
    }

    /// Ends the connection's outbox, which then closes the connection.
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
