import NIOCore

/// The spec's primitive types. Every reader checks lengths before touching bytes, so malformed
/// input throws an ``MQTTError`` instead of trapping.
extension ByteBuffer {
    /// The largest value a variable byte integer can carry.
    static let maxVariableByteInteger = 268_435_455

    /// Reads a variable byte integer, refusing a fifth byte and non-minimal encodings.
    ///
    /// Returns nil when the buffer ends before the integer does (the caller may wait for more).
    mutating func readVariableByteIntegerIfComplete() throws(MQTTError) -> Int? {
        var value = 0
        var multiplier = 1
        var index = readerIndex
        for position in 0..<4 {
            guard let byte = getInteger(at: index, as: UInt8.self) else { return nil }
            index += 1
            value += Int(byte & 0x7F) * multiplier
            if byte & 0x80 == 0 {
                // A final zero byte after a continuation means a shorter form existed.
                if byte == 0 && position > 0 {
                    throw MQTTError(.nonMinimalVariableByteInteger, "Variable byte integer has a redundant trailing zero byte.")
                }
                moveReaderIndex(to: index)
                return value
            }
            multiplier *= 128
        }
        throw MQTTError(.variableByteIntegerTooLong, "Variable byte integer continues past its fourth byte.")
    }

    /// Reads a variable byte integer that must be complete in this buffer.
    mutating func readVariableByteInteger() throws(MQTTError) -> Int {
        guard let value = try readVariableByteIntegerIfComplete() else {
            throw MQTTError(.truncated, "Packet ends inside a variable byte integer.")
        }
        return value
    }

    /// The number of bytes `value` takes as a variable byte integer.
    static func variableByteIntegerSize(_ value: Int) -> Int {
        switch value {
        case ..<128: 1
        case ..<16_384: 2
        case ..<2_097_152: 3
        default: 4
        }
    }

    @discardableResult
    mutating func writeVariableByteInteger(_ value: Int) throws(MQTTError) -> Int {
        guard value >= 0, value <= Self.maxVariableByteInteger else {
            throw MQTTError(.valueOutOfRange, "\(value) does not fit a variable byte integer.")
        }
        var remaining = value
        var written = 0
        repeat {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            writeInteger(byte)
            written += 1
        } while remaining > 0
        return written
    }

    mutating func readMQTTByte() throws(MQTTError) -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw MQTTError(.truncated, "Packet ends before a byte field.") }
        return value
    }

    mutating func readMQTTUInt16() throws(MQTTError) -> UInt16 {
        guard let value = readInteger(as: UInt16.self) else { throw MQTTError(.truncated, "Packet ends before a two-byte field.") }
        return value
    }

    mutating func readMQTTUInt32() throws(MQTTError) -> UInt32 {
        guard let value = readInteger(as: UInt32.self) else { throw MQTTError(.truncated, "Packet ends before a four-byte field.") }
        return value
    }

    /// Reads binary data: a two-byte length then that many bytes.
    mutating func readMQTTBinary() throws(MQTTError) -> ByteBuffer {
        let length = try readMQTTUInt16()
        guard let slice = readSlice(length: Int(length)) else {
            throw MQTTError(.truncated, "Packet ends inside a \(length)-byte field.")
        }
        return slice
    }

    /// Reads a UTF-8 string, refusing malformed UTF-8 and U+0000 (MQTT-1.5.4-1, -2).
    mutating func readMQTTString() throws(MQTTError) -> String {
        let bytes = try readMQTTBinary()
        return try bytes.validatedMQTTString()
    }

    func validatedMQTTString() throws(MQTTError) -> String {
        let hasNull = withUnsafeReadableBytes { $0.contains(0) }
        if hasNull { throw MQTTError(.nullCharacter, "String contains U+0000.") }
        let string = withUnsafeReadableBytes { String(validating: $0, as: UTF8.self) }
        guard let string else { throw MQTTError(.invalidUTF8, "String is not well-formed UTF-8.") }
        return string
    }

    mutating func writeMQTTString(_ string: String) throws(MQTTError) {
        let count = string.utf8.count
        guard count <= Int(UInt16.max) else { throw MQTTError(.valueOutOfRange, "String of \(count) bytes exceeds 65,535.") }
        if string.utf8.contains(0) { throw MQTTError(.nullCharacter, "String contains U+0000.") }
        writeInteger(UInt16(count))
        writeString(string)
    }

    mutating func writeMQTTBinary(_ bytes: ByteBuffer) throws(MQTTError) {
        guard bytes.readableBytes <= Int(UInt16.max) else {
            throw MQTTError(.valueOutOfRange, "Binary field of \(bytes.readableBytes) bytes exceeds 65,535.")
        }
        writeInteger(UInt16(bytes.readableBytes))
        writeImmutableBuffer(bytes)
    }

    /// Size on the wire of a UTF-8 string field.
    static func mqttStringSize(_ string: String) -> Int { 2 + string.utf8.count }
}
