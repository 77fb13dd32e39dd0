import NIOCore
import Synchronization

extension MQTTClient {
    /// Publishes a message.
    ///
    /// QoS 0 returns once the message is written to the socket. QoS 1 and 2 return once the broker
    /// has acknowledged it (PUBACK, or PUBCOMP); until then the message survives reconnects and is
    /// re-sent with DUP set. At most ``Configuration/maximumInflight`` (and the broker's Receive
    /// Maximum) such messages are outstanding; further calls wait for a slot. When disconnected,
    /// a QoS 0 publish waits for the connection; QoS 1/2 are queued and sent on reconnect.
    ///
    /// With `waitForAcknowledgement: false`, QoS 1/2 return once the message holds an in-flight
    /// slot in the session (pipelining, like mosquitto's own clients): it is still re-sent until
    /// acknowledged, and a refusal is logged rather than thrown. The in-flight window is the
    /// backpressure.
    public func publish(
        to topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false, properties: MQTTProperties = .init(),
        waitForAcknowledgement: Bool = true
    ) async throws {
        guard MQTTTopic.isValidName(topic) else { throw MQTTError(.invalidTopic, "'\(topic)' is not a valid topic name.") }
        let (maximumQoS, maximumPacketSize) = state.withLock { ($0.serverMaximumQoS, $0.serverMaximumPacketSize) }
        let qos = min(qos, maximumQoS)
        let packet = MQTTPublishPacket(topic: topic, payload: payload, qos: qos, retain: retain, properties: configuration.version == .v5 ? properties : .init())
        try checkSize(packet, limit: maximumPacketSize)
        if qos == .atMostOnce {
            let writer = try await connectedWriter()
            if writer.write(.publish(packet)) { await writer.waitForRoom() }
            return
        }
        let sequence = try await acquireInflightSlot()
        if !waitForAcknowledgement {
            try enterSession(packet, sequence: sequence, waiter: nil).get()
            return
        }
        // Cancelling stops the wait, not the delivery: the message stays in the session until acknowledged.
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                if case .failure(let error) = enterSession(packet, sequence: sequence, waiter: continuation) {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> UnsafeContinuation<Void, any Error>? in
                guard let id = state.outbound.first(where: { $0.value.sequence == sequence })?.key else { return nil }
                defer { state.outbound[id]?.continuation = nil }
                return state.outbound[id]?.continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Gives a QoS 1/2 message its packet id and puts it in the session, where it stays (re-sent
    /// on reconnect) until acknowledged, then queues it on the current connection if there is one.
    /// `waiter` is resumed by the acknowledgement. On failure the in-flight slot is given back.
    private func enterSession(_ packet: MQTTPublishPacket, sequence: Int, waiter: UnsafeContinuation<Void, any Error>?) -> Result<Void, any Error> {
        var packet = packet
        let outcome = state.withLock { state -> Result<(MQTTWriteQueue, alone: Bool)?, any Error> in
            guard !state.isShutdown, !Task.isCancelled, let id = state.allocatePacketID() else {
                state.inflight -= 1
                if Task.isCancelled { return .failure(CancellationError()) }
                return .failure(MQTTError(state.isShutdown ? .shutdown : .protocolError, "The client has shut down or has no free packet identifier."))
            }
            packet.packetID = id
            state.outbound[id] = .init(packet: packet, stage: .awaitingAck, sequence: sequence, continuation: waiter)
            return .success(state.connection.map { ($0.writer, alone: state.inflight == 1 && waiter != nil) })
        }
        return outcome.map { send in
            if let (writer, alone) = send { writer.write(.publish(packet), alone: alone) }
        }
    }

    /// Publishes a UTF-8 string.
    public func publish(
        to topic: String, payload: String, qos: MQTTQoS = .atMostOnce, retain: Bool = false, properties: MQTTProperties = .init(),
        waitForAcknowledgement: Bool = true
    ) async throws {
        try await publish(to: topic, payload: ByteBuffer(string: payload), qos: qos, retain: retain, properties: properties, waitForAcknowledgement: waitForAcknowledgement)
    }

    /// Refuses a message the broker announced it would not accept (v5 Maximum Packet Size), or
    /// one whose properties do not fit the wire format: it must fail here, before it enters the
    /// session, not when the connection writes it.
    private func checkSize(_ packet: MQTTPublishPacket, limit: Int) throws {
        // Only encode to measure when the message could be near the limit or carries properties.
        guard packet.payload.readableBytes + packet.topic.utf8.count + 1024 >= limit || !packet.properties.isEmpty else { return }
        var probe = packet
        probe.packetID = probe.qos == .atMostOnce ? nil : 1
        _ = try MQTTPacket.publish(probe).encoded(version: configuration.version, maximumPacketSize: limit)
    }

    /// The current connection's writer, waiting for a connection if there is none.
    func connectedWriter() async throws -> MQTTWriteQueue {
        while true {
            let writer = state.withLock { $0.connection?.writer }
            if let writer { return writer }
            try await waitUntilConnected()
        }
    }

    /// Takes one outbound QoS 1/2 slot, waiting while the in-flight window is full; returns the
    /// message's send-order number.
    private func acquireInflightSlot() async throws -> Int {
        // Most publishes find a free slot: take it without suspending.
        let (taken, waiterID) = state.withLock { state -> (Int?, Int) in
            guard !state.isShutdown, state.inflight < state.inflightLimit, state.quotaWaiters.isEmpty else { return (nil, state.makeWaiterID()) }
            state.inflight += 1
            state.nextSequence += 1
            return (state.nextSequence, 0)
        }
        if let taken { return taken }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Bool, any Error> in
                    if state.isShutdown { return .failure(MQTTError(.shutdown, "The client has shut down.")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.inflight < state.inflightLimit && state.quotaWaiters.isEmpty {
                        state.inflight += 1
                        return .success(true)
                    }
                    state.quotaWaiters.append((waiterID, continuation))
                    return .success(false)
                }
                switch outcome {
                case .success(true): continuation.resume()
                case .success(false): break
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> UnsafeContinuation<Void, any Error>? in
                guard let index = state.quotaWaiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.quotaWaiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
        return state.withLock { state in
            state.nextSequence += 1
            return state.nextSequence
        }
    }
}
