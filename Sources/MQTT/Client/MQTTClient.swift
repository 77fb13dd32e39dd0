import EventLoopExecutors
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// An MQTT 3.1.1 / 5.0 client on SwiftNIO.
///
/// The client owns no tasks of its own: ``run()`` is its lifecycle (connect, keep alive,
/// reconnect with backoff) and ends when the client is ``disconnect()``ed or the task running it
/// is cancelled, so it fits a `ServiceGroup` or a task group. ``withConnection(_:eventLoopGroup:logger:_:)``
/// does that wiring for the common case:
///
/// ```swift
/// try await MQTTClient.withConnection(.init(url: "mqtt://127.0.0.1:1883")) { client in
///     let updates = try await client.subscribe(to: "fleet/+/status", qos: .atLeastOnce)
///     try await client.publish(to: "fleet/a/status", payload: "up", qos: .atLeastOnce)
///     for await message in updates { print(message.topic, message.payloadString) }
/// }
/// ```
public final class MQTTClient: Sendable {
    public let configuration: Configuration
    /// The loop every connection of this client runs on, picked once from the group.
    public let eventLoop: any EventLoop
    /// Runs tasks on ``eventLoop``: `withTaskExecutorPreference(client.taskExecutor) { … }` keeps
    /// a request–response exchange (publish, wait for PUBACK, publish) off the cooperative pool.
    public let taskExecutor: EventLoopTaskExecutor
    let logger: Logger
    let state: Mutex<MQTTClientState>
    /// Pauses reading while a subscription's consumer lags (``Configuration/maxBufferedMessages``).
    let flowControl: MQTTFlowControl

    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "flotilla.mqtt")
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        self.taskExecutor = EventLoopTaskExecutor(eventLoop: eventLoop)
        var logger = logger
        logger[metadataKey: "mqtt.client"] = .string(configuration.clientID)
        self.logger = logger
        self.state = Mutex(MQTTClientState(maximumInflight: configuration.maximumInflight))
        self.flowControl = MQTTFlowControl(maxBufferedMessages: configuration.maxBufferedMessages)
    }

    /// Runs a client for the duration of `body`: connects (waiting for the first CONNACK), calls
    /// `body`, then disconnects cleanly (no will). Reconnects happen underneath as configured.
    public static func withConnection<Result: Sendable>(
        _ configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "flotilla.mqtt"),
        _ body: (MQTTClient) async throws -> Result
    ) async throws -> Result {
        let client = MQTTClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { try await client.run() }
            do {
                try await client.waitUntilConnected()
                let result = try await body(client)
                await client.disconnect()
                try await group.waitForAll()
                return result
            } catch {
                await client.disconnect()
                group.cancelAll()
                throw error
            }
        }
    }

    /// Whether reading from the broker is paused because a subscription's consumer lags behind
    /// (``Configuration/maxBufferedMessages``).
    public var isReadingPaused: Bool { flowControl.isPaused }

    /// Whether the client awaits any reply from the broker (a PUBACK, PUBREC, PUBCOMP, SUBACK or UNSUBACK).
    var isAwaitingReply: Bool { state.withLock { !$0.outbound.isEmpty || !$0.pending.isEmpty } }

    /// Whether a connection is up (CONNACK received and not yet lost).
    public var isConnected: Bool { state.withLock { $0.connection != nil } }

    /// Identifies the current connection (nil while disconnected); it changes with every
    /// reconnect, so callers can redo what a broker may have forgotten (retained state).
    public var connectionGeneration: Int? { state.withLock { $0.connection?.generation } }

    /// Waits until the client is connected; throws if it shuts down first.
    public func waitUntilConnected() async throws {
        let waiterID = state.withLock { $0.makeWaiterID() }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let outcome: (any Error)?? = state.withLock { state in
                    if state.isShutdown { return .some(MQTTError(.shutdown, "The client has shut down.")) }
                    if Task.isCancelled { return .some(CancellationError()) }
                    if state.connection != nil { return .some(nil) }
                    state.connectedWaiters[waiterID] = continuation
                    return nil
                }
                switch outcome {
                case .none: break
                case .some(.none): continuation.resume()
                case .some(.some(let error)): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            state.withLock { $0.connectedWaiters.removeValue(forKey: waiterID) }?.resume(throwing: CancellationError())
        }
    }

    /// Ends the client: sends DISCONNECT (so the broker discards the will), closes the connection
    /// and makes ``run()`` return. Unacknowledged publishes fail with ``MQTTError/Code/shutdown``.
    public func disconnect() async {
        let (connection, connecting) = state.withLock { state -> (MQTTClientState.Connection?, (any Channel)?) in
            state.isShutdown = true
            return (state.connection, state.connecting)
        }
        connecting?.close(promise: nil)
        guard let connection else {
            finish(MQTTError(.shutdown, "The client has shut down."))
            return
        }
        // Behind everything already queued, so a QoS 0 publish just made is not cut off.
        let written = connection.channel.eventLoop.makePromise(of: Void.self)
        connection.writer.write(.disconnect(MQTTDisconnectPacket()), promise: written)
        try? await written.futureResult.get()
        try? await connection.channel.close().get()
    }

    /// Fails everything still waiting and ends every subscription stream.
    func finish(_ error: MQTTError) {
        let (waiters, outbound, quota, subscriptions, connack) = state.withLock { state in
            state.isShutdown = true
            defer {
                state.connectedWaiters.removeAll()
                state.outbound.removeAll()
                state.quotaWaiters.removeAll()
                state.subscriptions.removeAll()
                state.connack = nil
                state.inflight = 0
            }
            return (
                Array(state.connectedWaiters.values), state.outbound.values.compactMap(\.continuation),
                state.quotaWaiters.map(\.continuation), Array(state.subscriptions.values), state.connack?.continuation
            )
        }
        for waiter in waiters { waiter.resume(throwing: error) }
        for continuation in outbound { continuation.resume(throwing: error) }
        for continuation in quota { continuation.resume(throwing: error) }
        connack?.resume(throwing: error)
        for subscription in subscriptions {
            for waiter in subscription.subackWaiters { waiter.resume(throwing: error) }
            flowControl.retire(subscription.buffer)
            subscription.continuation.finish()
        }
    }
}
