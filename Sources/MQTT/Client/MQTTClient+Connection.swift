import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

extension MQTTClient {
    /// Connects and stays connected until ``disconnect()`` or cancellation, reconnecting with
    /// backoff as ``Configuration/reconnect`` says. Throws when the broker refuses the connection
    /// for a reason retrying cannot fix (bad credentials, not authorised, bad client id…), or when
    /// a connection is lost and reconnecting is disabled.
    public func run() async throws {
        do {
            try await connectLoop()
        } catch {
            finish(error as? MQTTError ?? MQTTError(.shutdown, "The client has shut down: \(error)"))
            throw error
        }
        finish(MQTTError(.shutdown, "The client has shut down."))
    }

    private func connectLoop() async throws {
        var attempt = 0
        var connectedOnce = false
        var lastError: (any Error)?
        while !Task.isCancelled && !state.withLock({ $0.isShutdown }) {
            do {
                let connection = try await establish(resume: connectedOnce)
                connectedOnce = true
                attempt = 0
                try await serve(connection)
            } catch {
                if let mqttError = error as? MQTTError, mqttError.code == .connectionRefused, !Self.isTransient(mqttError.reasonCode) {
                    throw error
                }
                if error is CancellationError { return }
                lastError = error
                logger.info("MQTT connection ended", metadata: ["error": "\(error)"])
            }
            if Task.isCancelled || state.withLock({ $0.isShutdown }) { return }
            guard let policy = configuration.reconnect else {
                throw lastError as? MQTTError ?? MQTTError(.connectionClosed, "The connection to the broker was lost and reconnecting is disabled.")
            }
            let delay = policy.delay(attempt: attempt)
            attempt += 1
            logger.debug("MQTT reconnecting", metadata: ["delay": "\(delay)", "attempt": "\(attempt)"])
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// Refusals that may go away by themselves (server busy or unavailable, rate limits).
    private static func isTransient(_ code: UInt8?) -> Bool {
        guard let code else { return true }
        return [3, 0x88, 0x89, 0x8B, 0x97, 0x9F].contains(code)
    }

    /// Opens the TCP (and TLS) connection, exchanges CONNECT/CONNACK and makes the connection
    /// current, re-sending what the previous connection left unacknowledged.
    private func establish(resume: Bool) async throws -> MQTTClientState.Connection {
        let generation = state.withLock { state in
            state.generation += 1
            return state.generation
        }
        let configuration = self.configuration
        let sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(ReconnectPolicy.seconds(configuration.connectTimeout) * 1e9)))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: configuration.host.isIPAddress ? nil : configuration.host))
                    }
                    try sync.addHandler(MQTTChannelHandler(client: self, generation: generation, version: configuration.version, maximumPacketSize: configuration.maximumPacketSize))
                }
            }
        let transport = Transport.Context(
            host: configuration.host, port: configuration.port, connectTimeout: configuration.connectTimeout
        ) { [weak self] in
            self?.isAwaitingReply ?? false
        } isReadingPaused: { [flowControl] in
            flowControl.isPaused
        }
        let channel = try await configuration.transport.connect(bootstrap, transport)
        let shutdown = state.withLock { state in
            state.connecting = channel
            return state.isShutdown
        }
        defer { state.withLock { $0.connecting = nil } }
        if shutdown {
            channel.close(promise: nil)
            throw MQTTError(.shutdown, "The client has shut down.")
        }
        let timeout = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(ReconnectPolicy.seconds(configuration.connectTimeout) * 1e9))) {
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        let connack: MQTTConnAckPacket
        do {
            let connect = try MQTTPacket.connect(connectPacket(resume: resume)).encoded(version: configuration.version)
            connack = try await withCheckedThrowingContinuation { continuation in
                // A connection that closed before this continuation was stored (a broker that
                // accepts and hangs up at once, a failed TLS handshake) has already run
                // `connectionClosed`: fail with its reason instead of waiting forever.
                let closed = state.withLock { state -> MQTTError? in
                    if let last = state.lastClosed, last.generation >= generation { return last.error }
                    state.connack = (generation, continuation)
                    return nil
                }
                if let closed {
                    continuation.resume(throwing: closed)
                    return
                }
                channel.writeAndFlush(connect, promise: nil)
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        guard connack.reasonCode == 0 else {
            channel.close(promise: nil)
            throw MQTTError(.connectionRefused, "The broker refused the connection.", reasonCode: connack.reasonCode)
        }
        guard let connection = activate(channel: channel, generation: generation, connack: connack) else {
            channel.close(promise: nil)
            throw MQTTError(.shutdown, "The client has shut down.")
        }
        return connection
    }

    private func connectPacket(resume: Bool) -> MQTTConnectPacket {
        let configuration = self.configuration
        var properties = configuration.connectProperties
        if configuration.version == .v5 {
            let expiry = Int64(ReconnectPolicy.seconds(configuration.sessionExpiry))
            if expiry > 0 { properties.sessionExpiryInterval = UInt32(clamping: expiry) }
            // Never above the flow-control mark: while reading is paused, the QoS 1/2 messages read
            // on past it wait unacknowledged, and the broker's window is what bounds them.
            let receiveMaximum = min(configuration.receiveMaximum, UInt16(clamping: max(1, configuration.maxBufferedMessages)))
            if receiveMaximum != .max { properties.receiveMaximum = max(1, receiveMaximum) }
            if configuration.maximumPacketSize < ByteBuffer.maxPacketSize {
                properties.maximumPacketSize = UInt32(clamping: configuration.maximumPacketSize)
            }
        }
        let cleanStart = resume && configuration.sessionOutlivesConnection ? false : configuration.cleanStart
        return MQTTConnectPacket(
            version: configuration.version, clientID: configuration.clientID, cleanStart: cleanStart,
            keepAliveSeconds: UInt16(clamping: Int64(ReconnectPolicy.seconds(configuration.keepAlive).rounded(.up))),
            username: configuration.username, password: configuration.password.map { ByteBuffer(string: $0) },
            will: configuration.will, properties: properties
        )
    }

    /// Makes the connection current and re-sends: unacknowledged PUBLISHes (DUP set) or PUBRELs,
    /// in their original order, then SUBSCRIBEs the broker does not hold.
    private func activate(channel: any Channel, generation: Int, connack: MQTTConnAckPacket) -> MQTTClientState.Connection? {
        let writer = MQTTWriteQueue(channel: channel, version: configuration.version)
        let connection = MQTTClientState.Connection(channel: channel, generation: generation, sessionPresent: connack.sessionPresent, writer: writer)
        let activated = state.withLock { state -> ([MQTTPacket], [UnsafeContinuation<Void, any Error>], [UnsafeContinuation<Void, any Error>])? in
            guard !state.isShutdown else { return nil }
            state.connection = connection
            // No longer connecting: a disconnect() from here on sends DISCONNECT on it first.
            // Left set until connect() returned, a disconnect right after waitUntilConnected()
            // closed this channel as a half-made one, without DISCONNECT, and the broker then
            // published the will of a client that had ended cleanly.
            state.connecting = nil
            if let limit = connack.properties.receiveMaximum { state.inflightLimit = min(Int(limit), max(1, configuration.maximumInflight)) }
            if let size = connack.properties.maximumPacketSize { state.serverMaximumPacketSize = Int(size) }
            if let qos = connack.properties.maximumQoS.flatMap(MQTTQoS.init(rawValue:)) { state.serverMaximumQoS = qos }
            if !connack.sessionPresent { state.inboundQoS2.removeAll() }
            var packets: [MQTTPacket] = []
            for entry in state.outbound.values.sorted(by: { $0.sequence < $1.sequence }) {
                switch entry.stage {
                case .awaitingAck:
                    var packet = entry.packet
                    packet.dup = true
                    packets.append(.publish(packet))
                case .awaitingPubcomp:
                    packets.append(.pubrel(MQTTAckPacket(packetID: entry.packet.packetID ?? 0)))
                }
            }
            for id in state.subscriptions.keys.sorted() {
                guard var subscription = state.subscriptions[id] else { continue }
                if connack.sessionPresent && subscription.acknowledged { continue }
                subscription.acknowledged = false
                state.subscriptions[id] = subscription
                guard let packetID = state.allocatePacketID() else { break }
                state.pending[packetID] = .subscribe(subscriptionID: id)
                packets.append(.subscribe(subscribePacket(packetID: packetID, id: id, subscription: subscription)))
            }
            let waiters = Array(state.connectedWaiters.values)
            state.connectedWaiters.removeAll()
            return (packets, waiters, state.grantQuota())
        }
        guard let (packets, waiters, granted) = activated else { return nil }
        for packet in packets { connection.writer.write(packet) }
        logger.debug("MQTT connected", metadata: ["session_present": "\(connack.sessionPresent)", "resent": "\(packets.count)"])
        for waiter in waiters { waiter.resume() }
        for continuation in granted { continuation.resume() }
        return connection
    }

    func subscribePacket(packetID: UInt16, id: Int, subscription: MQTTClientState.Subscription) -> MQTTSubscribePacket {
        var properties = subscription.properties
        if configuration.version == .v5 { properties.subscriptionIdentifiers = [id] }
        return MQTTSubscribePacket(packetID: packetID, subscriptions: subscription.filters, properties: properties)
    }

    /// Keeps the connection alive until it closes; cancellation closes it.
    private func serve(_ connection: MQTTClientState.Connection) async throws {
        let channel = connection.channel
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.closeFuture.get() }
                if configuration.keepAlive > .zero {
                    group.addTask { try await self.keepAlive(connection) }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Sends PINGREQ every keep-alive interval and closes the connection when nothing at all
    /// comes back within the ping timeout: a half-open TCP connection never reports itself.
    private func keepAlive(_ connection: MQTTClientState.Connection) async throws {
        let channel = connection.channel
        let clock = ContinuousClock()
        let interval = configuration.keepAlive
        let timeout = min(configuration.pingTimeout, interval)
        var next = clock.now + interval
        while true {
            try await clock.sleep(until: next)
            let sentAt = clock.now
            let receivedBefore = state.withLock { state in
                state.pingsSent &+= 1
                return state.packetsReceived
            }
            let pausesBefore = flowControl.pauseCount
            connection.writer.write(.pingreq)
            try await clock.sleep(until: sentAt + timeout)
            // While flow control paused reading, the PINGRESP may be waiting unread: no verdict.
            let judged = !flowControl.isPaused && flowControl.pauseCount == pausesBefore
            if judged, state.withLock({ $0.packetsReceived }) == receivedBefore {
                logger.warning("MQTT broker did not answer PINGREQ in time; closing the connection")
                channel.close(promise: nil)
                return
            }
            next = sentAt + interval
        }
    }

    /// Called from the event loop when a connection's channel goes inactive.
    func writabilityChanged(generation: Int) {
        let writer = state.withLock { $0.connection?.generation == generation ? $0.connection?.writer : nil }
        writer?.writabilityChanged()
    }

    func connectionClosed(generation: Int, cause: (any Error)? = nil) {
        let error: MQTTError
        if let cause = cause as? MQTTError {
            error = cause
        } else if let cause, cause is NIOSSLError || cause is BoringSSLError {
            error = MQTTError(.tlsFailed, "The TLS handshake with \(configuration.host):\(configuration.port) failed: \(cause)")
        } else {
            error = MQTTError(.connectionClosed, "The connection to the broker closed\(cause.map { ": \($0)" } ?? ".")")
        }
        let (failed, connack, writer) = state.withLock { state in
            state.lastClosed = (generation, error)
            let writer = state.connection?.generation == generation ? state.connection?.writer : nil
            let failed = state.connectionLost(generation: generation)
            var connack: CheckedContinuation<MQTTConnAckPacket, any Error>?
            if let pending = state.connack, pending.generation == generation {
                connack = pending.continuation
                state.connack = nil
            }
            return (failed, connack, writer)
        }
        writer?.close()
        for continuation in failed { continuation.resume(throwing: error) }
        connack?.resume(throwing: error)
    }
}

extension String {
    fileprivate var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
