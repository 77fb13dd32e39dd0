import NIOCore
import Synchronization

extension MQTTClient {
    /// Subscribes and returns the subscription's messages once the broker has granted it.
    ///
    /// The local stream is registered before SUBSCRIBE is sent. If the connection drops before
    /// SUBACK, SUBSCRIBE is sent again on reconnect and this call keeps waiting. The subscription
    /// is renewed on every reconnect whose session the broker no longer has.
    ///
    /// - Throws: ``MQTTError/Code/subscriptionRefused`` when the broker refuses every filter.
    public func subscribe(to filters: [MQTTSubscribeInfo], properties: MQTTProperties = .init()) async throws -> MQTTSubscription {
        for info in filters where !MQTTTopic.isValidFilter(info.filter) {
            throw MQTTError(.invalidTopic, "'\(info.filter)' is not a valid topic filter.")
        }
        guard !filters.isEmpty else { throw MQTTError(.invalidTopic, "A subscription needs at least one filter.") }
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self)
        let (id, buffer) = state.withLock { state in
            let id = state.nextSubscriptionID
            state.nextSubscriptionID += 1
            let buffer = MQTTSubscriptionBuffer(id: id)
            state.subscriptions[id] = .init(
                filters: filters, properties: configuration.version == .v5 ? properties : .init(), continuation: continuation, buffer: buffer
            )
            return (id, buffer)
        }
        continuation.onTermination = { [weak self] _ in self?.forget(subscriptionID: id) }
        let codes: [UInt8]
        do {
            codes = try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<[UInt8], any Error>) in
                let outcome = state.withLock { state -> Result<(MQTTWriteQueue, MQTTSubscribePacket)?, MQTTError> in
                    guard !state.isShutdown, var subscription = state.subscriptions[id] else {
                        return .failure(MQTTError(.shutdown, "The client has shut down."))
                    }
                    subscription.subackWaiters.append(waiter)
                    state.subscriptions[id] = subscription
                    guard let writer = state.connection?.writer, let packetID = state.allocatePacketID() else { return .success(nil) }
                    state.pending[packetID] = .subscribe(subscriptionID: id)
                    return .success((writer, subscribePacket(packetID: packetID, id: id, subscription: subscription)))
                }
                switch outcome {
                case .success(let send?): send.0.write(.subscribe(send.1))
                case .success(nil): break  // sent by the next connect
                case .failure(let error): waiter.resume(throwing: error)
                }
            }
        } catch {
            continuation.finish()
            throw error
        }
        if codes.allSatisfy({ $0 >= 0x80 }) {
            continuation.finish()
            throw MQTTError(.subscriptionRefused, "The broker refused \(filters.map(\.filter)).", reasonCode: codes.first)
        }
        return MQTTSubscription(id: id, filters: filters, reasonCodes: codes, stream: stream, buffer: buffer, flowControl: flowControl)
    }

    /// Subscribes to one filter.
    public func subscribe(to filter: String, qos: MQTTQoS = .atLeastOnce) async throws -> MQTTSubscription {
        try await subscribe(to: [MQTTSubscribeInfo(filter, qos: qos)])
    }

    /// Ends a subscription: its stream finishes and, for filters no other local subscription uses,
    /// UNSUBSCRIBE is sent and acknowledged.
    public func unsubscribe(_ subscription: MQTTSubscription) async throws {
        let (removed, filters) = state.withLock { state -> (MQTTClientState.Subscription?, [String]) in
            guard let removed = state.subscriptions.removeValue(forKey: subscription.id) else { return (nil, []) }
            let stillUsed = Set(state.subscriptions.values.flatMap { $0.filters.map(\.filter) })
            return (removed, removed.filters.map(\.filter).filter { !stillUsed.contains($0) })
        }
        // Outside the lock: finishing runs the stream's termination handler, which takes it.
        if let removed { flowControl.retire(removed.buffer) }
        removed?.continuation.finish()
        guard !filters.isEmpty else { return }
        let writer = try await connectedWriter()
        _ = try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<[UInt8], any Error>) in
            let packetID = state.withLock { state -> UInt16? in
                guard let id = state.allocatePacketID() else { return nil }
                state.pending[id] = .unsubscribe(waiter)
                return id
            }
            guard let packetID else {
                waiter.resume(throwing: MQTTError(.protocolError, "No free packet identifier."))
                return
            }
            writer.write(.unsubscribe(MQTTUnsubscribePacket(packetID: packetID, filters: filters)))
        }
    }

    /// Drops a subscription whose consumer went away (no UNSUBSCRIBE: the next session forgets it).
    private func forget(subscriptionID: Int) {
        let removed = state.withLock { state in state.subscriptions.removeValue(forKey: subscriptionID) }
        guard let removed else { return }
        flowControl.retire(removed.buffer)
        let waiters = removed.subackWaiters
        for waiter in waiters { waiter.resume(throwing: CancellationError()) }
    }
}
