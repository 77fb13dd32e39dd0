import NIOCore

/// Everything the client shares between its caller tasks and the event loop, guarded by one
/// `Mutex` in ``MQTTClient``. Methods here never block and never call out; they return what the
/// caller must do (write packets, resume continuations) once the lock is released.
struct MQTTClientState: Sendable {
    /// The live connection, set after CONNACK.
    struct Connection: Sendable {
        let channel: any Channel
        let generation: Int
        let sessionPresent: Bool
        /// Every packet the client sends on this connection goes through it, in order.
        let writer: MQTTWriteQueue
    }

    enum OutboundStage: Sendable { case awaitingAck, awaitingPubcomp }

    /// A QoS 1/2 PUBLISH we sent and the broker has not finished acknowledging.
    struct OutboundPublish: Sendable {
        var packet: MQTTPublishPacket
        var stage: OutboundStage
        let sequence: Int
        /// The caller waiting for the acknowledgement; nil once it stopped waiting (cancelled).
        var continuation: UnsafeContinuation<Void, any Error>?
    }

    /// A local subscription: its filters and the stream its messages go to.
    struct Subscription: Sendable {
        let filters: [MQTTSubscribeInfo]
        let properties: MQTTProperties
        let continuation: AsyncStream<MQTTMessage>.Continuation
        /// Counts what its stream holds, for flow control.
        let buffer: MQTTSubscriptionBuffer
        /// The broker granted it on the current session.
        var acknowledged = false
        var subackWaiters: [CheckedContinuation<[UInt8], any Error>] = []
    }

    enum PendingRequest: Sendable {
        case subscribe(subscriptionID: Int)
        case unsubscribe(CheckedContinuation<[UInt8], any Error>)
    }

    var connection: Connection?
    /// A channel between TCP connect and CONNACK, so `disconnect()` can abort it.
    var connecting: (any Channel)?
    var generation = 0
    var isShutdown = false
    /// Packets read from the broker, for the keep-alive: counting costs less than a clock read per packet.
    var packetsReceived = 0
    /// PINGREQs sent, for tests and diagnostics.
    var pingsSent = 0

    var connack: (generation: Int, continuation: CheckedContinuation<MQTTConnAckPacket, any Error>)?
    /// The newest connection that closed, and why.
    var lastClosed: (generation: Int, error: MQTTError)?
    var connectedWaiters: [Int: UnsafeContinuation<Void, any Error>] = [:]
    var nextWaiterID = 0

    var nextPacketID: UInt16 = 1
    var nextSequence = 0
    var outbound: [UInt16: OutboundPublish] = [:]
    var pending: [UInt16: PendingRequest] = [:]
    /// Inbound QoS 2 packet ids delivered but not yet released (PUBREL): a re-sent PUBLISH with
    /// one of these ids is a duplicate and is not delivered again.
    var inboundQoS2: Set<UInt16> = []

    /// Outbound QoS 1/2 slots taken, and the callers waiting for one.
    var inflight = 0
    var inflightLimit: Int
    var quotaWaiters: [(id: Int, continuation: UnsafeContinuation<Void, any Error>)] = []

    /// The broker's limits from CONNACK (v5).
    var serverMaximumPacketSize = ByteBuffer.maxPacketSize
    var serverMaximumQoS: MQTTQoS = .exactlyOnce

    var subscriptions: [Int: Subscription] = [:]
    var nextSubscriptionID = 1

    init(maximumInflight: Int) {
        inflightLimit = max(1, min(maximumInflight, Int(UInt16.max)))
    }

    mutating func allocatePacketID() -> UInt16? {
        for _ in 0..<Int(UInt16.max) {
            let id = nextPacketID
            nextPacketID = nextPacketID == .max ? 1 : nextPacketID + 1
            if outbound[id] == nil && pending[id] == nil { return id }
        }
        return nil
    }

    mutating func makeWaiterID() -> Int {
        nextWaiterID += 1
        return nextWaiterID
    }

    /// Hands free in-flight slots to waiting publishers; returns whom to resume.
    mutating func grantQuota() -> [UnsafeContinuation<Void, any Error>] {
        var granted: [UnsafeContinuation<Void, any Error>] = []
        while inflight < inflightLimit, !quotaWaiters.isEmpty {
            inflight += 1
            granted.append(quotaWaiters.removeFirst().continuation)
        }
        return granted
    }

    /// The subscriptions a message on `topic` goes to. v5 subscription identifiers (we use our
    /// local ids) pick exactly the subscriptions the broker matched, so overlaps do not duplicate.
    func destinations(for publish: MQTTPublishPacket) -> [Subscription] {
        if !publish.properties.subscriptionIdentifiers.isEmpty {
            return publish.properties.subscriptionIdentifiers.compactMap { subscriptions[$0] }
        }
        return subscriptions.values.filter { subscription in
            subscription.filters.contains { MQTTTopic.matches(filter: $0.filter, topic: publish.topic) }
        }
    }

    /// Actions owed when a connection ends: requests that cannot complete are failed, subscriptions
    /// are marked for re-sending. Outbound publishes stay, to be re-sent with DUP.
    mutating func connectionLost(generation: Int) -> [CheckedContinuation<[UInt8], any Error>] {
        guard connection?.generation == generation else { return [] }
        connection = nil
        var failed: [CheckedContinuation<[UInt8], any Error>] = []
        for (_, request) in pending {
            if case .unsubscribe(let continuation) = request { failed.append(continuation) }
        }
        pending.removeAll()
        return failed
    }
}
