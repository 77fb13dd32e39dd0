import FlotillaCore
import Synchronization

/// The outboxes of the connected agents, by connection number.
final class AgentConnections: Sendable {
    private let outboxes = Mutex<[Int: any AgentOutbox]>([:])

    func open(_ connection: Int, outbox: any AgentOutbox) {
        outboxes.withLock { $0[connection] = outbox }
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
