import Foundation
import NIOCore
import Testing

@testable import MQTT

/// Our client against paho-mqtt (Debian's 1.6.1 under /usr/bin/python3), both directions.
@Suite(.timeLimit(.minutes(1))) struct PahoInteropTests {
    static let cases: [(MQTTProtocolVersion, MQTTQoS)] = MQTTProtocolVersion.allCases.flatMap { v in MQTTQoS.allCases.map { (v, $0) } }

    private static let subscriber = """
        import sys, paho.mqtt.client as mqtt
        port, topic, qos, version, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        proto = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
        c = mqtt.Client(client_id="paho-sub-%d" % port, protocol=proto)
        seen = []
        def on_connect(client, *args): client.subscribe(topic, qos)
        def on_subscribe(client, *args): print("READY", flush=True)
        def on_message(client, userdata, m):
            print("MSG %s %d %d %s" % (m.topic, m.qos, m.retain, m.payload.decode()), flush=True)
            seen.append(m)
            if len(seen) >= count: client.disconnect()
        c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
        c.connect("127.0.0.1", port, 30)
        c.loop_forever()
        """

    private static let publisher = """
        import sys, paho.mqtt.client as mqtt
        port, topic, qos, version, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        proto = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
        c = mqtt.Client(client_id="paho-pub-%d" % port, protocol=proto)
        c.connect("127.0.0.1", port, 30)
        c.loop_start()
        for i in range(count):
            c.publish(topic, "paho-%d" % i, qos).wait_for_publish()
        c.disconnect()
        c.loop_stop()
        print("DONE", flush=True)
        """

    private func python(_ script: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess("/usr/bin/python3", ["-u", "-c", script] + arguments)
    }

    private func flag(_ version: MQTTProtocolVersion) -> String { version == .v5 ? "5" : "311" }

    @Test(arguments: cases)
    func ourPublishToPaho(version: MQTTProtocolVersion, qos: MQTTQoS) async throws {
        let broker = try await Mosquitto()
        let sub = try python(Self.subscriber, ["\(broker.port)", "paho/in/#", "\(qos.rawValue)", flag(version), "4"])
        try await sub.waitForOutput { $0.contains("READY") }
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            for index in 0..<4 { try await client.publish(to: "paho/in/\(index)", payload: "ours-\(index)", qos: qos) }
        }
        #expect(try await sub.waitForExit() == 0, "\(sub.text)")
        #expect(sub.lines.filter { $0.hasPrefix("MSG") } == (0..<4).map { "MSG paho/in/\($0) \(qos.rawValue) 0 ours-\($0)" })
    }

    @Test(arguments: cases)
    func pahoPublishToOurs(version: MQTTProtocolVersion, qos: MQTTQoS) async throws {
        let broker = try await Mosquitto()
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            let subscription = try await client.subscribe(to: "paho/out", qos: qos)
            let pub = try python(Self.publisher, ["\(broker.port)", "paho/out", "\(qos.rawValue)", flag(version), "4"])
            let received = try await withDeadline(.seconds(10), "four paho messages") {
                var received: [MQTTMessage] = []
                for await message in subscription {
                    received.append(message)
                    if received.count == 4 { break }
                }
                return received
            }
            #expect(received.map(\.payloadString) == (0..<4).map { "paho-\($0)" })
            #expect(received.allSatisfy { $0.qos == qos })
            #expect(try await pub.waitForExit() == 0, "\(pub.text)")
        }
    }
}
