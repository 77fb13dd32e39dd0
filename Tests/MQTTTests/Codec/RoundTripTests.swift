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

    /// A PUBLISH without properties, byte for byte (MQTT 3.3): it has its own one-pass encoder.
    @Test func publishWireForm() throws {
        var packet = MQTTPublishPacket(topic: "a/b", payload: ByteBuffer(string: "hi"), qos: .atLeastOnce, retain: true)
        packet.packetID = 10
        packet.dup = true
        #expect(Array(try MQTTPacket.publish(packet).encoded(version: .v3_1_1).readableBytesView) == [0x3B, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69])
        #expect(Array(try MQTTPacket.publish(packet).encoded(version: .v5).readableBytesView) == [0x3B, 0x0A, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x00, 0x68, 0x69])
        // 203 bytes of body: a two-byte remaining length, 0xCB 0x01.
        let long = MQTTPublishPacket(topic: "t", payload: ByteBuffer(repeating: 1, count: 200), qos: .atMostOnce)
        let bytes = Array(try MQTTPacket.publish(long).encoded(version: .v3_1_1).readableBytesView)
        #expect(bytes.prefix(5) == [0x30, 0xCB, 0x01, 0x00, 0x01])
        #expect(bytes.count == 206)
        packet.packetID = nil
        let error = #expect(throws: MQTTError.self) { try MQTTPacket.publish(packet).encoded(version: .v3_1_1) }
        #expect(error?.code == .invalidPacketIdentifier)
    }

    /// Bare acknowledgements (a packet id only) take their own decoding path; each type comes out
    /// as itself, and one still incomplete waits for its last byte.
    @Test(arguments: MQTTProtocolVersion.allCases)
    func bareAcknowledgements(version: MQTTProtocolVersion) throws {
        let ack = MQTTAckPacket(packetID: 0x0105)
        let expected: [([UInt8], MQTTPacket)] = [
            ([0x40, 0x02, 0x01, 0x05], .puback(ack)), ([0x50, 0x02, 0x01, 0x05], .pubrec(ack)),
            ([0x62, 0x02, 0x01, 0x05], .pubrel(ack)), ([0x70, 0x02, 0x01, 0x05], .pubcomp(ack)),
        ]
        for (bytes, packet) in expected {
            #expect(try MQTTPacket.decode(ByteBuffer(bytes: bytes), version: version) == packet)
            var partial = ByteBuffer(bytes: bytes.dropLast())
            #expect(try MQTTPacket.read(from: &partial, version: version) == nil)
            #expect(partial.readableBytes == 3)
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
