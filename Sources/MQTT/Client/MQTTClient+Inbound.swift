import Logging
import NIOCore
import Synchronization

extension MQTTClient {
    /// Applies one inbound packet (on the connection's event loop) and returns the packets to send
    /// back. Continuations and streams are resumed after the lock is released.
    func received(_ packet: MQTTPacket, generation: Int, channel: any Channel) -> [MQTTPacket] {
        switch packet {
        case .connack(let connack):
            let waiter = state.withLock { state -> CheckedContinuation<MQTTConnAckPacket, any Error>? in
                state.packetsReceived &+= 1
                guard let pending = state.connack, pending.generation == generation else { return nil }
                state.connack = nil
                return pending.continuation
            }
            if let waiter {
                waiter.resume(returning: connack)
            } else {
                channel.close(promise: nil)
            }
            return []
        case .publish(let publish):
            return receivedPublish(publish)
        case .puback(let ack):
            completeOutbound(ack, expecting: .awaitingAck)
            return []
        case .pubrec(let ack):
            return receivedPubrec(ack)
        case .pubrel(let ack):
            state.withLock { state in
                state.packetsReceived &+= 1
                state.inboundQoS2.remove(ack.packetID)
            }
            return [.pubcomp(MQTTAckPacket(packetID: ack.packetID))]
        case .pubcomp(let ack):
            completeOutbound(ack, expecting: .awaitingPubcomp)
            return []
        case .suback(let ack), .unsuback(let ack):
            receivedSubAck(ack)
            return []
        case .pingresp:
            state.withLock { $0.packetsReceived &+= 1 }
            return []
        case .disconnect(let disconnect):
            logger.warning("MQTT broker sent DISCONNECT", metadata: [
                "reason": "\(disconnect.reasonCode)", "reason_string": "\(disconnect.properties.reasonString ?? "")",
            ])
            channel.close(promise: nil)
            return []
        case .connect, .subscribe, .unsubscribe, .pingreq, .auth:
            // A broker never sends these to a client (AUTH would need an authentication method we did not ask for).
            logger.warning("MQTT broker sent an unexpected packet; closing", metadata: ["type": "\(packet.type)"])
            channel.close(promise: nil)
            return []
        }
    }

    private func receivedPublish(_ publish: MQTTPublishPacket) -> [MQTTPacket] {
        let (destinations, deliver) = state.withLock { state -> ([MQTTClientState.Subscription], Bool) in
            state.packetsReceived &+= 1
            if publish.qos == .exactlyOnce, let id = publish.packetID {
                // Exactly once: deliver on first receipt; a repeat before PUBREL is the broker re-sending.
                guard state.inboundQoS2.insert(id).inserted else { return ([], false) }
            }
            return (state.destinations(for: publish), true)
        }
        if deliver {
            let message = MQTTMessage(topic: publish.topic, payload: publish.payload, qos: publish.qos, retain: publish.retain, properties: publish.properties)
            if destinations.isEmpty {
                logger.debug("MQTT message matched no subscription", metadata: ["topic": "\(publish.topic)"])
            }
            for destination in destinations {
                // Counted before the yield, so the consumer's count never runs ahead of it.
                flowControl.delivered(to: destination.buffer)
                destination.continuation.yield(message)
            }
        }
        switch publish.qos {
        case .atMostOnce: return []
        case .atLeastOnce: return [.puback(MQTTAckPacket(packetID: publish.packetID ?? 0))]
        case .exactlyOnce: return [.pubrec(MQTTAckPacket(packetID: publish.packetID ?? 0))]
        }
    }

    private func receivedPubrec(_ ack: MQTTAckPacket) -> [MQTTPacket] {
        if ack.reasonCode >= 0x80 {
            completeOutbound(ack, expecting: .awaitingAck)
            return []
        }
        let known = state.withLock { state -> Bool in
            state.packetsReceived &+= 1
            guard var entry = state.outbound[ack.packetID] else { return false }
            entry.stage = .awaitingPubcomp
            state.outbound[ack.packetID] = entry
            return true
        }
        let reason = known || configuration.version == .v3_1_1 ? MQTTReasonCode.success : MQTTReasonCode.packetIdentifierNotFound
        return [.pubrel(MQTTAckPacket(packetID: ack.packetID, reasonCode: reason))]
    }

    /// Ends an outbound QoS 1/2 exchange and frees its in-flight slot.
    private func completeOutbound(_ ack: MQTTAckPacket, expecting stage: MQTTClientState.OutboundStage) {
        let (entry, granted) = state.withLock { state -> (MQTTClientState.OutboundPublish?, [UnsafeContinuation<Void, any Error>]) in
            state.packetsReceived &+= 1
            guard let entry = state.outbound.removeValue(forKey: ack.packetID) else { return (nil, []) }
            guard entry.stage == stage || ack.reasonCode >= 0x80 else {
                // An acknowledgement for the other stage (a PUBCOMP before PUBREC, a stray PUBACK) ends nothing.
                state.outbound[ack.packetID] = entry
                return (nil, [])
            }
            state.inflight -= 1
            return (entry, state.grantQuota())
        }
        if let entry {
            if ack.reasonCode >= 0x80 {
                if entry.continuation == nil {
                    logger.warning("MQTT broker refused a message", metadata: ["topic": "\(entry.packet.topic)", "reason": "\(ack.reasonCode)"])
                }
                entry.continuation?.resume(throwing: MQTTError(.publishRefused, "The broker refused the message on '\(entry.packet.topic)'.", reasonCode: ack.reasonCode))
            } else {
                entry.continuation?.resume()
            }
        }
        for continuation in granted { continuation.resume() }
    }

    private func receivedSubAck(_ ack: MQTTSubAckPacket) {
        let (waiters, unsubscribe) = state.withLock { state -> ([CheckedContinuation<[UInt8], any Error>], CheckedContinuation<[UInt8], any Error>?) in
            state.packetsReceived &+= 1
            switch state.pending.removeValue(forKey: ack.packetID) {
            case .subscribe(let id):
                guard var subscription = state.subscriptions[id] else { return ([], nil) }
                subscription.acknowledged = true
                let waiters = subscription.subackWaiters
                subscription.subackWaiters = []
                state.subscriptions[id] = subscription
                return (waiters, nil)
            case .unsubscribe(let continuation):
                return ([], continuation)
            case nil:
                return ([], nil)
            }
        }
        for waiter in waiters { waiter.resume(returning: ack.reasonCodes) }
        unsubscribe?.resume(returning: ack.reasonCodes)
    }
}
