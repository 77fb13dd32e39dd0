import Foundation
import MQTT
import NIOCore

/// One side of scripts/bench-mqtt (`flotilla mqtt-bench publish|receive`): publishes or receives
/// `count` messages with Flotilla's MQTT client and times it on the client's side.
public struct MQTTBench: Sendable {
    public enum Mode: String, Sendable { case publish, receive }

    public var mode: Mode
    public var host: String
    public var port: Int
    public var qos: MQTTQoS
    public var count: Int
    public var topic: String
    /// Concurrent publishers (QoS 1/2 keep this many messages in flight).
    public var window: Int
    /// QoS 1/2: each publisher waits for its acknowledgement instead of pipelining.
    public var waitEach: Bool
    /// The client's busy-poll budget (``MQTT/MQTTClient/Transport/busyPolling(_:)``); zero sleeps.
    public var busyPoll: Duration

    public init(mode: Mode, host: String, port: Int, qos: MQTTQoS, count: Int, topic: String, window: Int, waitEach: Bool, busyPoll: Duration) {
        self.mode = mode
        self.host = host
        self.port = port
        self.qos = qos
        self.count = count
        self.topic = topic
        self.window = window
        self.waitEach = waitEach
        self.busyPoll = busyPoll
    }

    /// Runs the side; `subscribed` runs once a receiver listens (the script waits for it).
    /// Returns how long the messages took.
    public func run(subscribed: @escaping @Sendable () -> Void = {}) async throws -> Duration {
        var configuration = MQTTClient.Configuration(host: host, port: port)
        configuration.version = .v3_1_1
        configuration.maximumInflight = window
        configuration.transport = .busyPolling(busyPoll)
        let clock = ContinuousClock()
        let (mode, qos, count, topic, window, waitEach) = (self.mode, self.qos, self.count, self.topic, self.window, self.waitEach)
        return try await MQTTClient.withConnection(configuration) { client in
            // On the connection's loop: awaiting an acknowledgement then costs no thread hop.
            try await withTaskExecutorPreference(client.taskExecutor) {
                switch mode {
                case .publish:
                    let payload = ByteBuffer(string: "payload-000000")
                    let start = clock.now
                    if qos == .atMostOnce {
                        for _ in 0..<count { try await client.publish(to: topic, payload: payload, qos: qos) }
                    } else if !waitEach {
                        // Brokers acknowledge QoS 1 in order (MQTT 4.6), so the last PUBACK covers all.
                        for _ in 0..<(count - 1) { try await client.publish(to: topic, payload: payload, qos: qos, waitForAcknowledgement: false) }
                        try await client.publish(to: topic, payload: payload, qos: qos)
                    } else {
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for worker in 0..<window {
                                group.addTask {
                                    for _ in stride(from: worker, to: count, by: window) {
                                        try await client.publish(to: topic, payload: payload, qos: qos)
                                    }
                                }
                            }
                            try await group.waitForAll()
                        }
                    }
                    return clock.now - start
                case .receive:
                    let subscription = try await client.subscribe(to: topic, qos: qos)
                    subscribed()
                    let start = clock.now
                    var received = 0
                    for await _ in subscription {
                        received += 1
                        if received == count { break }
                    }
                    return clock.now - start
                }
            }
        }
    }
}
