import Foundation
import NIOCore
import Testing

@testable import MQTT

/// Persistent sessions across a broker restart, and keep-alive noticing a silent dead link.
@Suite(.timeLimit(.minutes(1))) struct SessionAndKeepAliveTests {
    @Test(arguments: MQTTProtocolVersion.allCases)
    func sessionResumesAfterBrokerRestart(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto(persistence: true)
        let proxy = try await TCPProxy(upstreamPort: broker.port)
        var configuration = broker.configuration(version, clientID: "resume-\(version.rawValue)")
        configuration.port = proxy.port
        configuration.cleanStart = false
        configuration.sessionExpiry = .seconds(300)
        let client = MQTTClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await client.waitUntilConnected()
            let subscription = try await client.subscribe(to: "session/#", qos: .atLeastOnce)

            // Offline: the broker queues for our session; our own QoS 1 publish waits in flight.
            proxy.set(.refuse)
            try await waitUntil("client notices the cut") { !client.isConnected }
            let late = Task { try await client.publish(to: "session/from-offline-client", payload: "late", qos: .atLeastOnce) }
            for index in 0..<3 {
                let pub = try ChildProcess("/usr/bin/mosquitto_pub", [
                    "-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "session/queued", "-m", "queued-\(index)",
                ])
                #expect(try await pub.waitForExit() == 0)
            }
            // The broker restarts, restoring the session and its queue from disk.
            try await broker.stop()
            try await broker.start()
            proxy.set(.forward)

            let received = try await withDeadline(.seconds(15), "queued and re-sent messages") {
                var received: [String] = []
                for await message in subscription {
                    received.append(message.payloadString)
                    if received.count == 4 { break }
                }
                return received
            }
            #expect(Set(received) == ["queued-0", "queued-1", "queued-2", "late"])
            // Its PUBACK may trail the copy we received; disconnecting first would fail it.
            try await withDeadline(.seconds(10), "the offline publish is acknowledged") { try await late.value }
            await client.disconnect()
            try await group.waitForAll()
        }
        await proxy.close()
    }

    @Test(arguments: MQTTProtocolVersion.allCases)
    func keepAliveNoticesBlackholedConnection(version: MQTTProtocolVersion) async throws {
        let broker = try await Mosquitto()
        let proxy = try await TCPProxy(upstreamPort: broker.port)
        var configuration = broker.configuration(version)
        configuration.port = proxy.port
        configuration.keepAlive = .seconds(1)
        configuration.pingTimeout = .milliseconds(500)
        let client = MQTTClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await client.waitUntilConnected()
            // Packets vanish but TCP stays up: only the missing PINGRESP can reveal it.
            proxy.set(.blackhole)
            let clock = ContinuousClock()
            let cut = clock.now
            try await waitUntil(timeout: .seconds(5), "keep-alive notices the dead link") { !client.isConnected }
            #expect(clock.now - cut < .seconds(3))
            proxy.set(.forward)
            try await withDeadline(.seconds(5), "reconnect") { try await client.waitUntilConnected() }
            try await client.publish(to: "alive/again", payload: "yes", qos: .atLeastOnce)
            await client.disconnect()
            try await group.waitForAll()
        }
        await proxy.close()
    }

    @Test func keepAliveNoticesStoppedBroker() async throws {
        let broker = try await Mosquitto()
        var configuration = broker.configuration(.v5)
        configuration.keepAlive = .seconds(1)
        configuration.pingTimeout = .milliseconds(500)
        let client = MQTTClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            try await client.waitUntilConnected()
            broker.signal(SIGSTOP)
            try await waitUntil(timeout: .seconds(5), "keep-alive notices the frozen broker") { !client.isConnected }
            broker.signal(SIGCONT)
            try await withDeadline(.seconds(10), "reconnect") { try await client.waitUntilConnected() }
            await client.disconnect()
            try await group.waitForAll()
        }
    }
}
