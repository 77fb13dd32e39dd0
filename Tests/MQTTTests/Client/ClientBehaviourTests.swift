import NIOCore
import Synchronization
import Testing

@testable import MQTT

/// Client behaviour against a scripted broker: the cases a real broker will not produce on demand.
@Suite(.timeLimit(.minutes(1))) struct ClientBehaviourTests {
    @Test(arguments: MQTTProtocolVersion.allCases)
    func inboundQoS2DeliveredExactlyOnce(version: MQTTProtocolVersion) async throws {
        let broker = try await FakeBroker(version: version)
        defer { Task { await broker.close() } }
        try await MQTTClient.withConnection(broker.configuration()) { client in
            let subscription = try await client.subscribe(to: "q2/#", qos: .exactlyOnce)
            let publish = MQTTPublishPacket(topic: "q2/a", payload: ByteBuffer(string: "once"), qos: .exactlyOnce, packetID: 7)
            try await broker.send(.publish(publish))
            var duplicate = publish
            duplicate.dup = true
            try await broker.send(.publish(duplicate))
            try await broker.waitForPackets("two PUBREC") { $0.filter { $0 == .pubrec(MQTTAckPacket(packetID: 7)) }.count == 2 }
            try await broker.send(.pubrel(MQTTAckPacket(packetID: 7)))
            try await broker.waitForPackets("PUBCOMP") { $0.contains(.pubcomp(MQTTAckPacket(packetID: 7))) }
            // After PUBREL the id is free again: a new message with it is a new message.
            try await broker.send(.publish(MQTTPublishPacket(topic: "q2/b", payload: ByteBuffer(string: "again"), qos: .exactlyOnce, packetID: 7)))
            var received: [String] = []
            for await message in subscription {
                received.append(message.payloadString)
                if received.count == 2 { break }
            }
            #expect(received == ["once", "again"])
        }
    }

    @Test func receiveMaximumAndPacketIDsWhileInFlight() async throws {
        let broker = try await FakeBroker(version: .v5)
        defer { Task { await broker.close() } }
        var props = MQTTProperties()
        props.receiveMaximum = 2
        broker.setConnAck(MQTTConnAckPacket(sessionPresent: false, properties: props))
        try await MQTTClient.withConnection(broker.configuration()) { client in
            let done = Locked(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        try await client.publish(to: "rm/\(index)", payload: "m", qos: .atLeastOnce)
                        done.withLock { $0 += 1 }
                    }
                }
                try await broker.waitForPackets("two PUBLISH") { $0.filter { $0.type == .publish }.count == 2 }
                // The window is full: nothing more may arrive until an ack frees a slot.
                try await Task.sleep(for: .milliseconds(200))
                #expect(broker.packets.filter { $0.type == .publish }.count == 2)
                var acked: Set<UInt16> = []
                while acked.count < 5 {
                    let inFlight = broker.packets.compactMap { packet -> UInt16? in
                        if case .publish(let p) = packet { p.packetID } else { nil }
                    }
                    let unacked = inFlight.filter { !acked.contains($0) }
                    #expect(unacked.count <= 2)
                    #expect(Set(unacked).count == unacked.count, "a packet id was reused while in flight")
                    guard let next = unacked.first else {
                        try await broker.waitForPackets("more PUBLISH") { $0.filter { $0.type == .publish }.count > acked.count }
                        continue
                    }
                    acked.insert(next)
                    try await broker.send(.puback(MQTTAckPacket(packetID: next)))
                    try await broker.waitForPackets("next PUBLISH") { $0.filter { $0.type == .publish }.count >= min(5, acked.count + 2) }
                }
                try await group.waitForAll()
            }
            #expect(done.value == 5)
        }
    }

    @Test func maximumPacketSizeHonoured() async throws {
        let broker = try await FakeBroker(version: .v5)
        defer { Task { await broker.close() } }
        var props = MQTTProperties()
        props.maximumPacketSize = 64
        broker.setConnAck(MQTTConnAckPacket(sessionPresent: false, properties: props))
        try await MQTTClient.withConnection(broker.configuration()) { client in
            let error = await #expect(throws: MQTTError.self) {
                try await client.publish(to: "big", payload: ByteBuffer(repeating: 1, count: 100), qos: .atLeastOnce)
            }
            #expect(error?.code == .packetTooLarge)
            try await client.publish(to: "small", payload: "ok", qos: .atMostOnce)
            try await broker.waitForPackets("small PUBLISH") { $0.contains { $0.type == .publish } }
        }
    }

    /// A message the wire format cannot carry is refused by `publish`, and the connection it
    /// would have broken stays up.
    @Test func unencodableMessageRefusedBeforeSending() async throws {
        let broker = try await FakeBroker(version: .v5)
        defer { Task { await broker.close() } }
        try await MQTTClient.withConnection(broker.configuration()) { client in
            let longTopic = await #expect(throws: MQTTError.self) {
                try await client.publish(to: String(repeating: "t", count: 65_536), payload: "x", qos: .atLeastOnce)
            }
            #expect(longTopic?.code == .invalidTopic)
            var properties = MQTTProperties()
            properties.userProperties = [.init(name: "key", value: String(repeating: "v", count: 70_000))]
            let longProperty = await #expect(throws: MQTTError.self) {
                try await client.publish(to: "t", payload: "x", qos: .atLeastOnce, properties: properties)
            }
            #expect(longProperty?.code == .valueOutOfRange)
            try await client.publish(to: "after", payload: "ok", qos: .atMostOnce)
            try await broker.waitForPackets("the PUBLISH after") { $0.contains { $0.type == .publish } }
            #expect(broker.packets.filter { $0.type == .publish }.count == 1)
            #expect(!broker.events.contains(.closed(1)))
        }
    }

    @Test(arguments: MQTTProtocolVersion.allCases)
    func unacknowledgedResentWithDupAfterReconnect(version: MQTTProtocolVersion) async throws {
        let broker = try await FakeBroker(version: version)
        defer { Task { await broker.close() } }
        var configuration = broker.configuration()
        configuration.cleanStart = false
        configuration.sessionExpiry = .seconds(60)
        try await MQTTClient.withConnection(configuration) { client in
            async let q1: Void = client.publish(to: "r/1", payload: "one", qos: .atLeastOnce)
            async let q2: Void = client.publish(to: "r/2", payload: "two", qos: .exactlyOnce)
            try await broker.waitForPackets("both PUBLISH") { $0.filter { $0.type == .publish }.count == 2 }
            let ids = broker.packets.compactMap { packet -> UInt16? in if case .publish(let p) = packet { p.packetID } else { nil } }
            // Move the QoS 2 message to its second step before the link drops.
            let q2ID = broker.packets.compactMap { packet -> UInt16? in if case .publish(let p) = packet, p.qos == .exactlyOnce { p.packetID } else { nil } }.first ?? 0
            try await broker.send(.pubrec(MQTTAckPacket(packetID: q2ID)))
            try await broker.waitForPackets("PUBREL") { $0.contains(.pubrel(MQTTAckPacket(packetID: q2ID))) }
            broker.setConnAck(MQTTConnAckPacket(sessionPresent: true))
            broker.closeConnections()
            try await broker.waitForPackets("resent after reconnect") { packets in
                packets.filter { $0.type == .connect }.count >= 2 && packets.filter { $0.type == .pubrel }.count >= 2
                    && packets.contains { if case .publish(let p) = $0 { p.dup && p.topic == "r/1" } else { false } }
            }
            let connects = broker.packets.compactMap { packet -> MQTTConnectPacket? in if case .connect(let c) = packet { c } else { nil } }
            #expect(connects.last?.cleanStart == false)
            let resent = broker.packets.compactMap { packet -> MQTTPublishPacket? in if case .publish(let p) = packet, p.dup { p } else { nil } }
            #expect(resent.count == 1)
            #expect(resent.first.map { ids.contains($0.packetID ?? 0) } == true)
            try await broker.send(.puback(MQTTAckPacket(packetID: resent.first?.packetID ?? 0)))
            try await broker.send(.pubcomp(MQTTAckPacket(packetID: q2ID)))
            _ = try await (q1, q2)
        }
    }

    @Test func refusedConnectionEndsRun() async throws {
        let broker = try await FakeBroker(version: .v5)
        defer { Task { await broker.close() } }
        broker.setConnAck(MQTTConnAckPacket(sessionPresent: false, reasonCode: MQTTReasonCode.notAuthorized))
        let error = await #expect(throws: MQTTError.self) {
            try await MQTTClient.withConnection(broker.configuration()) { _ in }
        }
        #expect(error?.code == .connectionRefused)
        #expect(error?.reasonCode == MQTTReasonCode.notAuthorized)
    }

    @Test func configurationFromURL() throws {
        let plain = try MQTTClient.Configuration(url: "mqtt://broker.local")
        #expect(plain.host == "broker.local" && plain.port == 1883 && plain.tls == nil)
        let secure = try MQTTClient.Configuration(url: "mqtts://user:p%40ss@10.0.0.1:9000/ignored")
        #expect(secure.host == "10.0.0.1" && secure.port == 9000 && secure.tls != nil)
        #expect(secure.username == "user" && secure.password == "p@ss")
        let v6 = try MQTTClient.Configuration(url: "mqtt://[::1]:1884")
        #expect(v6.host == "::1" && v6.port == 1884)
        #expect(throws: MQTTError.self) { try MQTTClient.Configuration(url: "http://x") }
        #expect(throws: MQTTError.self) { try MQTTClient.Configuration(url: "mqtt://:12") }
    }

    @Test func backoffGrowsAndCaps() {
        let policy = MQTTClient.ReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), multiplier: 2, jitter: 0)
        #expect(policy.delay(attempt: 0) == .milliseconds(100))
        #expect(policy.delay(attempt: 3) == .milliseconds(800))
        #expect(policy.delay(attempt: 10) == .seconds(1))
        #expect(policy.delay(attempt: 1000) == .seconds(1))
    }
}
