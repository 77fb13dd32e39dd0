import NIOCore
import Testing

@testable import MQTT

@Suite struct MalformedPacketTests {
    private func code(_ bytes: [UInt8], _ version: MQTTProtocolVersion = .v5, max: Int = ByteBuffer.maxPacketSize) -> MQTTError.Code? {
        do {
            _ = try MQTTPacket.decode(ByteBuffer(bytes: bytes), version: version, maximumPacketSize: max)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func lengthEncodingErrors() {
        #expect(code([0xC0, 0x80, 0x00]) == .nonMinimalVariableByteInteger)
        #expect(code([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]) == .variableByteIntegerTooLong)
        #expect(code([0xC0, 0x80]) == .truncated)
    }

    @Test func fixedHeaderFlags() {
        #expect(code([0xC1, 0x00]) == .invalidFixedHeaderFlags)          // PINGREQ with a flag
        #expect(code([0x60, 0x02, 0x00, 0x01]) == .invalidFixedHeaderFlags) // PUBREL without 0b0010
        #expect(code([0x80, 0x05, 0x00, 0x01, 0x00, 0x01, 0x61]) == .invalidFixedHeaderFlags) // SUBSCRIBE flags 0
        #expect(code([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]) == .invalidFixedHeaderFlags) // QoS 3
        #expect(code([0x38, 0x04, 0x00, 0x01, 0x61, 0x00], .v3_1_1) == .invalidFixedHeaderFlags) // DUP at QoS 0
        #expect(code([0x00, 0x00]) == .unknownPacketType)
        #expect(code([0xF0, 0x00], .v3_1_1) == .unknownPacketType)      // AUTH in 3.1.1
        #expect(code([0x62, 0x02, 0x00, 0x01]) == nil)
    }

    @Test func overMaximumPacketSize() {
        var bytes: [UInt8] = [0x30, 0x68, 0x00, 0x01, 0x61, 0x00]
        bytes += [UInt8](repeating: 0x41, count: 100)
        #expect(code(bytes, max: 106) == nil)
        #expect(code(bytes, max: 105) == .packetTooLarge)
        // Refused from the header alone, before the body has arrived.
        var partial = ByteBuffer(bytes: [0x30, 0xFF, 0xFF, 0x7F])
        #expect(throws: MQTTError.self) { try MQTTPacket.read(from: &partial, version: .v5, maximumPacketSize: 1024) }
    }

    @Test func strings() {
        #expect(code([0x30, 0x04, 0x00, 0x02, 0xC3, 0x28], .v3_1_1) == .invalidUTF8)
        #expect(code([0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80], .v3_1_1) == .invalidUTF8) // a surrogate
        #expect(code([0x30, 0x04, 0x00, 0x02, 0x61, 0x00], .v3_1_1) == .nullCharacter)
        #expect(code([0x30, 0x04, 0x00, 0x02, 0x61, 0x2B], .v3_1_1) == .invalidTopic)
        #expect(code([0x30, 0x04, 0x00, 0x02, 0xC3, 0xA9], .v3_1_1) == nil)
    }

    @Test func truncatedAndTrailing() {
        #expect(code([0x30, 0x02, 0x00, 0x05]) == .truncated)
        #expect(code([0x40, 0x01, 0x00]) == .truncated)
        #expect(code([0xC0, 0x01, 0x00]) == .trailingBytes)
        #expect(code([0x40, 0x03, 0x00, 0x01, 0x00], .v3_1_1) == .trailingBytes)
        #expect(code([0x30]) == .truncated)
        var partial = ByteBuffer(bytes: [0x30, 0x05, 0x00, 0x01])
        #expect((try? MQTTPacket.read(from: &partial, version: .v5)) == .some(nil))
        #expect(partial.readableBytes == 4)
    }

    @Test func semanticErrors() {
        #expect(code([0x40, 0x02, 0x00, 0x00]) == .invalidPacketIdentifier)
        #expect(code([0x40, 0x03, 0x00, 0x01, 0x05]) == .invalidReasonCode)
        #expect(code([0x40, 0x05, 0x00, 0x01, 0x00, 0x01, 0x7F]) == .invalidProperty)  // unknown property
        #expect(code([0x40, 0x06, 0x00, 0x01, 0x00, 0x02, 0x01, 0x05]) == .invalidProperty) // bad value
        #expect(code([0x40, 0x08, 0x00, 0x01, 0x00, 0x04, 0x01, 0x01, 0x01, 0x01]) == .invalidProperty) // duplicate
        #expect(code([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x03], .v3_1_1) == .invalidQoS)
        #expect(code([0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x23, 0x01], .v5) == nil)
        #expect(code([0x82, 0x08, 0x00, 0x01, 0x00, 0x00, 0x02, 0x23, 0x61, 0x00], .v5) == .invalidTopic)
        let badName: [UInt8] = [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00]
        #expect(code(badName) == nil)
        var wrongName = badName
        wrongName[7] = 0x58
        #expect(code(wrongName) == .invalidProtocolName)
        var badLevel = badName
        badLevel[8] = 3
        #expect(code(badLevel) == .unsupportedProtocolVersion)
        var reserved = badName
        reserved[9] = 0x03
        #expect(code(reserved) == .malformedPacket)
    }
}
