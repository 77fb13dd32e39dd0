import ArgumentParser
import Foundation
import MQTT
import NIOCore

/// `flotilla mqtt-bench publish|receive`: one side of scripts/bench-mqtt, timing our MQTT client.
struct MqttBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt-bench",
        abstract: "Publish or receive COUNT messages with Flotilla's MQTT client (see scripts/bench-mqtt)."
    )

    enum Mode: String, ExpressibleByArgument { case publish, receive }

    @Argument(help: "publish or receive") var mode: Mode
    @Option(help: "Broker host.") var host = "127.0.0.1"
    @Option(help: "Broker port.") var port = 1883
    @Option(help: "QoS 0, 1 or 2.") var qos = 0
    @Option(help: "Messages to send or to wait for.") var count = 100_000
    @Option(help: "Topic to publish to or subscribe to.") var topic = "bench/ours"
    @Option(help: "Concurrent publishers (QoS 1/2 keep this many messages in flight).") var window = 256
    @Flag(help: "QoS 1/2: each publisher waits for its PUBACK/PUBCOMP (default: pipelined, the in-flight window is the limit, as mosquitto_pub does).") var waitEach = false
    @Option(help: ArgumentHelp("Busy-poll for up to this many microseconds while an acknowledgement is awaited (0: sleep until it arrives).", valueName: "microseconds")) var busyPoll = 0

    func validate() throws {
        guard busyPoll >= 0 else { throw ValidationError("--busy-poll must be 0 or more microseconds, not \(busyPoll).") }
    }

    func run() async throws {
        var configuration = MQTTClient.Configuration(host: host, port: port)
        configuration.version = .v3_1_1
        configuration.maximumInflight = window
        configuration.busyPoll = .microseconds(busyPoll)
        let qos = MQTTQoS(rawValue: UInt8(clamping: qos)) ?? .atMostOnce
        let clock = ContinuousClock()
        let (count, window, waitEach) = (self.count, self.window, self.waitEach)
        let elapsed = try await MQTTClient.withConnection(configuration) { client in
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
                    print("READY")
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
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        FileHandleStandardError.write("flotilla \(mode.rawValue) qos\(qos.rawValue): \(Int(Double(count) / max(seconds, 1e-9))) msg/s (client-side timing)\n")
    }
}

/// Diagnostics go to stderr so the script's own timing lines stay readable.
private enum FileHandleStandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

