import NIOCore
import Testing

@testable import MQTT

@Suite struct VariableByteIntegerTests {
    private func bytes(_ value: Int) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try buffer.writeVariableByteInteger(value)
        return Array(buffer.readableBytesView)
    }

    private func read(_ bytes: [UInt8]) throws -> Int? {
        var buffer = ByteBuffer(bytes: bytes)
        return try buffer.readVariableByteIntegerIfComplete()
    }

    @Test(arguments: [
        (0, [0x00]), (127, [0x7F]), (128, [0x80, 0x01]), (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]),
        (2_097_151, [0xFF, 0xFF, 0x7F]), (2_097_152, [0x80, 0x80, 0x80, 0x01]), (268_435_455, [0xFF, 0xFF, 0xFF, 0x7F]),
    ] as [(Int, [UInt8])])
    func boundaries(value: Int, expected: [UInt8]) throws {
        #expect(try bytes(value) == expected)
        #expect(try read(expected) == value)
        #expect(ByteBuffer.variableByteIntegerSize(value) == expected.count)
    }

    @Test func aboveMaximumRefusedOnWrite() {
        let error = #expect(throws: MQTTError.self) { try bytes(268_435_456) }
        #expect(error?.code == .valueOutOfRange)
    }

    @Test func fifthByteRefused() {
        let error = #expect(throws: MQTTError.self) { try read([0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
        #expect(error?.code == .variableByteIntegerTooLong)
        let zeros = #expect(throws: MQTTError.self) { try read([0x80, 0x80, 0x80, 0x80, 0x00]) }
        #expect(zeros?.code == .variableByteIntegerTooLong)
    }

    @Test(arguments: [[0x80, 0x00], [0xFF, 0x80, 0x00], [0x80, 0x80, 0x80, 0x00]] as [[UInt8]])
    func nonMinimalRefused(bytes: [UInt8]) {
        let error = #expect(throws: MQTTError.self) { try read(bytes) }
        #expect(error?.code == .nonMinimalVariableByteInteger)
    }

    @Test func incompleteWaits() throws {
        #expect(try read([0x80]) == nil)
        #expect(try read([0xFF, 0xFF, 0xFF]) == nil)
        #expect(try read([]) == nil)
    }
}

