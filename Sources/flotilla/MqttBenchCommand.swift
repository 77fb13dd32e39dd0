import ArgumentParser
import FlotillaBench
import Foundation
import MQTT

/// `flotilla mqtt-bench publish|receive`: one side of scripts/bench-mqtt, timing our MQTT client
/// (the FlotillaBench library's `MQTTBench`).
struct MqttBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt-bench",
        abstract: "Publish or receive COUNT messages with Flotilla's MQTT client (see scripts/bench-mqtt)."
    )

    @Argument(help: "publish or receive") var mode: MQTTBench.Mode
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
        let qos = MQTTQoS(rawValue: UInt8(clamping: qos)) ?? .atMostOnce
        let bench = MQTTBench(mode: mode, host: host, port: port, qos: qos, count: count, topic: topic, window: window, waitEach: waitEach, busyPoll: .microseconds(busyPoll))
        let elapsed = try await bench.run { print("READY") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // To stderr, so the script's own timing lines stay readable.
        FileHandle.standardError.write(Data("flotilla \(mode.rawValue) qos\(qos.rawValue): \(Int(Double(count) / max(seconds, 1e-9))) msg/s (client-side timing)\n".utf8))
    }
}

extension MQTTBench.Mode: ExpressibleByArgument {}
