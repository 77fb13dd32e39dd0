import Foundation
import NIOCore
import Testing

@testable import MQTT

private let qosVersionCases: [(MQTTProtocolVersion, MQTTQoS)] = MQTTProtocolVersion.allCases.flatMap { v in MQTTQoS.allCases.map { (v, $0) } }

private func versionFlag(_ version: MQTTProtocolVersion) -> String { version == .v5 ? "mqttv5" : "mqttv311" }

/// Our client against mosquitto and its own C command-line clients.
@Suite(.timeLimit(.minutes(1))) struct MosquittoClientsInteropTests {
    @Test(arguments: qosVersionCases)
    func ourPublishToMosquittoSub(version: MQTTProtocolVersion, qos: MQTTQoS) async throws {
        let broker = try await Mosquitto()
        let sub = try ChildProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/mosquitto_sub",
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-V", versionFlag(version), "-q", "\(qos.rawValue)",
            "-t", "interop/out/#", "-v", "-C", "5", "-d",
        ])
        try await sub.waitForOutput { $0.contains("received SUBACK") }
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            for index in 0..<5 {
                try await client.publish(to: "interop/out/\(index)", payload: "m\(index) é", qos: qos)
            }
        }
        #expect(try await sub.waitForExit() == 0)
        let received = sub.lines.filter { $0.hasPrefix("interop/out/") }
        #expect(received == (0..<5).map { "interop/out/\($0) m\($0) é" })
    }

    @Test(arguments: qosVersionCases)
    func mosquittoPubToOurSubscription(version: MQTTProtocolVersion, qos: MQTTQoS) async throws {
        let broker = try await Mosquitto()
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            let subscription = try await client.subscribe(to: "interop/in/+", qos: qos)
            #expect(subscription.reasonCodes == [qos.rawValue])
            let publisher = try ChildProcess("/bin/sh", ["-c", "printf 'a\\nb\\nc\\n' | /usr/bin/mosquitto_pub -h 127.0.0.1 -p \(broker.port) -V \(versionFlag(version)) -q \(qos.rawValue) -t interop/in/x -l"])
            #expect(try await publisher.waitForExit() == 0)
            let received = try await withDeadline(.seconds(5), "three messages") {
                var received: [MQTTMessage] = []
                for await message in subscription {
                    received.append(message)
                    if received.count == 3 { break }
                }
                return received
            }
            #expect(received.map(\.payloadString) == ["a", "b", "c"])
            #expect(received.allSatisfy { $0.qos == qos && $0.topic == "interop/in/x" })
        }
    }

    @Test(arguments: MQTTProtocolVersion.allCases)
    func retainedBothWays(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto()
        // Ours publishes retained; mosquitto_sub, connecting later, gets it with the retain flag.
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            try await client.publish(to: "retained/ours", payload: "kept", qos: .atLeastOnce, retain: true)
        }
        let retainedOnly = try ChildProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/mosquitto_sub",
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-V", versionFlag(version), "-t", "retained/ours", "-C", "1", "-F", "%r %p",
        ])
        #expect(try await retainedOnly.waitForExit() == 0)
        #expect(retainedOnly.lines.last == "1 kept")
        // mosquitto_pub retains; our later subscription receives it flagged as retained.
        let pub = try ChildProcess("/usr/bin/mosquitto_pub", [
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-V", versionFlag(version), "-q", "1", "-r", "-t", "retained/theirs", "-m", "stored",
        ])
        #expect(try await pub.waitForExit() == 0)
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            let subscription = try await client.subscribe(to: "retained/+", qos: .atLeastOnce)
            let messages = try await withDeadline(.seconds(5), "two retained messages") {
                var received: [MQTTMessage] = []
                for await message in subscription {
                    received.append(message)
                    if received.count == 2 { break }
                }
                return received
            }
            #expect(Set(messages.map(\.payloadString)) == ["kept", "stored"])
            #expect(messages.allSatisfy { $0.retain })
        }
    }

    @Test(arguments: MQTTProtocolVersion.allCases)
    func willDeliveredWhenConnectionDies(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto()
        let proxy = try await TCPProxy(upstreamPort: broker.port)
        let sub = try ChildProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/mosquitto_sub",
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-V", versionFlag(version), "-t", "wills/#", "-v", "-C", "1", "-d",
        ])
        try await sub.waitForOutput { $0.contains("received SUBACK") }
        var configuration = broker.configuration(version)
        configuration.port = proxy.port
        configuration.reconnect = nil
        configuration.will = .init(topic: "wills/agent-1", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce)
        let client = MQTTClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await client.run() }
            try await client.waitUntilConnected()
            proxy.dropAll()
            #expect(try await sub.waitForExit() == 0)
            #expect(sub.lines.contains("wills/agent-1 offline"))
            // The client reconnects through the proxy; end it cleanly, or the cancelled
            // connection's own will could reach the watcher below.
            await client.disconnect()
            group.cancelAll()
        }
        // A clean DISCONNECT, by contrast, discards the will: only the marker sent afterwards arrives.
        try await MQTTClient.withConnection(broker.configuration(version)) { watcher in
            let wills = try await watcher.subscribe(to: "wills/#", qos: .atLeastOnce)
            configuration.port = broker.port
            // Its own client id and will topic: the first client's last connection may still die
            // while the watcher listens (its will then arrives here too, as seen in CI), and only
            // this connection's will tells whether a clean DISCONNECT discarded it.
            configuration.clientID += "-clean"
            configuration.will = .init(topic: "wills/clean", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce)
            try await MQTTClient.withConnection(configuration) { _ in }
            try await watcher.publish(to: "wills/marker", payload: "marker", qos: .atLeastOnce)
            let before = try await withDeadline(.seconds(5), "marker") {
                var topics: [String] = []
                for await message in wills {
                    if message.topic == "wills/marker" { return topics }
                    topics.append(message.topic)
                }
                return topics + ["(no marker)"]
            }
            #expect(!before.contains("wills/clean") && !before.contains("(no marker)"), "\(before)")
        }
        await proxy.close()
    }

    @Test func sharedSubscriptionSplitsMessages() async throws {
        let broker = try await Mosquitto()
        try await MQTTClient.withConnection(broker.configuration(.v5)) { first in
            try await MQTTClient.withConnection(broker.configuration(.v5)) { second in
                let a = try await first.subscribe(to: "$share/workers/jobs/#", qos: .atLeastOnce)
                let b = try await second.subscribe(to: "$share/workers/jobs/#", qos: .atLeastOnce)
                let counts = Locked([0, 0])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, subscription) in [a, b].enumerated() {
                        group.addTask {
                            for await _ in subscription {
                                if counts.withLock({ counts in counts[index] += 1; return counts[0] + counts[1] }) == 20 { return }
                            }
                        }
                    }
                    for index in 0..<20 { try await first.publish(to: "jobs/\(index)", payload: "job", qos: .atLeastOnce) }
                    try await waitUntil(timeout: .seconds(5), "20 deliveries, got \(counts.value)") { counts.value.reduce(0, +) == 20 }
                    group.cancelAll()
                }
                try await first.unsubscribe(a)
                try await second.unsubscribe(b)
                #expect(counts.value.reduce(0, +) == 20)
                #expect(counts.value.allSatisfy { $0 > 0 }, "both group members get work: \(counts.value)")
            }
        }
    }

    @Test(arguments: MQTTProtocolVersion.allCases)
    func wildcardsAndUnsubscribe(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto()
        try await MQTTClient.withConnection(broker.configuration(version)) { client in
            let plus = try await client.subscribe(to: "w/+/status", qos: .atLeastOnce)
            let hash = try await client.subscribe(to: "w/#", qos: .atLeastOnce)
            for topic in ["w/a/status", "w/a/b/status", "w"] {
                try await client.publish(to: topic, payload: topic, qos: .atLeastOnce)
            }
            let viaHash = try await withDeadline(.seconds(5), "three via #") {
                var seen: [String] = []
                for await message in hash {
                    seen.append(message.topic)
                    if seen.count == 3 { break }
                }
                return seen
            }
            #expect(Set(viaHash) == ["w/a/status", "w/a/b/status", "w"])
            let viaPlus = try await withDeadline(.seconds(5), "one via +") {
                for await message in plus { return message.topic }
                return ""
            }
            #expect(viaPlus == "w/a/status")
            try await client.unsubscribe(plus)
        }
    }

    /// A publisher preferring the client's task executor stays on the connection's event loop
    /// through every PUBACK wait, and its messages arrive in order.
    @Test func stopAndWaitOnTheClientsEventLoop() async throws {
        let broker = try await Mosquitto()
        let sub = try ChildProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/mosquitto_sub",
            "-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "loop/out", "-C", "50", "-d",
        ])
        try await sub.waitForOutput { $0.contains("received SUBACK") }
        try await MQTTClient.withConnection(broker.configuration(.v3_1_1)) { client in
            #expect(!client.eventLoop.inEventLoop)
            let onLoop = try await withTaskExecutorPreference(client.taskExecutor) {
                var onLoop = 0
                for index in 0..<50 {
                    try await client.publish(to: "loop/out", payload: "m\(index)", qos: .atLeastOnce)
                    if client.eventLoop.inEventLoop { onLoop += 1 }
                }
                return onLoop
            }
            #expect(onLoop == 50)
        }
        #expect(try await sub.waitForExit() == 0)
        #expect(sub.lines.filter { $0.hasPrefix("m") } == (0..<50).map { "m\($0)" })
    }
}
