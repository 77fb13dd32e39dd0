import NIOCore
import Testing

@testable import MQTT

@Suite struct RoundTripTests {
    @Test(arguments: MQTTProtocolVersion.allCases)
    func randomPacketsRoundTrip(version: MQTTProtocolVersion) throws {
        for seed in UInt64(1)...40 {
            var random = RandomPackets(seed: seed &* 7919, version: version)
            for _ in 0..<100 {
                let packet = random.packet()
                let bytes = try packet.encoded(version: version)
                let decoded = try MQTTPacket.decode(bytes, version: version)
                #expect(decoded == packet, "seed \(seed)")
                // Re-encoding is byte-identical: the encoding is canonical.
                #expect(try decoded.encoded(version: version) == bytes, "seed \(seed)")
            }
        }
    }

    /// A stream of packets split at random points decodes to the same packets in order.
    @Test(arguments: MQTTProtocolVersion.allCases)
    func streamReassembly(version: MQTTProtocolVersion) throws {
        var random = RandomPackets(seed: 42, version: version)
        let packets = (0..<500).map { _ in random.packet() }
        var stream = ByteBuffer()
        for packet in packets { try packet.write(to: &stream, version: version) }
        var pending = ByteBuffer()
        var decoded: [MQTTPacket] = []
        while stream.readableBytes > 0 {
            let chunk = min(stream.readableBytes, random.int(1...64))
            if var slice = stream.readSlice(length: chunk) { pending.writeBuffer(&slice) }
            while let packet = try MQTTPacket.read(from: &pending, version: version) { decoded.append(packet) }
        }
        #expect(decoded == packets)
        #expect(pending.readableBytes == 0)
    }

    @Test func largePayloadLengthsAtBoundaries() throws {
        for payloadSize in [0, 121, 122, 16_376, 16_377, 2_097_143, 2_097_144] {
            let packet = MQTTPacket.publish(MQTTPublishPacket(topic: "a/b", payload: ByteBuffer(repeating: 7, count: payloadSize), qos: .atMostOnce))
            let bytes = try packet.encoded(version: .v3_1_1)
            #expect(try MQTTPacket.decode(bytes, version: .v3_1_1) == packet)
        }
    }

    @Test func encoderRefusesOverPeerMaximum() throws {
        let packet = MQTTPacket.publish(MQTTPublishPacket(topic: "t", payload: ByteBuffer(repeating: 1, count: 100)))
        var buffer = ByteBuffer(bytes: [9])
        let error = #expect(throws: MQTTError.self) { try packet.write(to: &buffer, version: .v5, maximumPacketSize: 50) }
        #expect(error?.code == .packetTooLarge)
        #expect(buffer.readableBytes == 1)
    }

    @Test func topicMatching() {
        let cases: [(String, String, Bool)] = [
            ("a/b/c", "a/b/c", true), ("a/+/c", "a/b/c", true), ("a/+", "a/b/c", false), ("a/#", "a/b/c", true),
            ("a/#", "a", true), ("#", "a/b", true), ("+/+", "/a", true), ("+", "/a", false), ("a/b", "a/b/", false),
            ("#", "$SYS/x", false), ("+/x", "$SYS/x", false), ("$SYS/#", "$SYS/x", true), ("$share/g/a/+", "a/b", true),
            ("a/+/+", "a/b", false), ("+", "", true),
        ]
        for (filter, topic, expected) in cases {
            #expect(MQTTTopic.matches(filter: filter, topic: topic) == expected, "\(filter) vs \(topic)")
        }
        #expect(MQTTTopic.isValidFilter("a/#/b") == false)
        #expect(MQTTTopic.isValidFilter("a+") == false)
        #expect(MQTTTopic.isValidFilter("$share/g/#"))
        #expect(MQTTTopic.isValidFilter("$share/g") == false)
    }
}
