import NIOCore

extension MQTTPacket {
    /// Appends the packet's wire form to `buffer`.
    ///
    /// Throws (writing nothing) if a field does not fit the wire format, if the packet does not
    /// exist in `version`, or if it would exceed `maximumPacketSize` (the peer's limit).
    public func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: Int = ByteBuffer.maxPacketSize) throws(MQTTError) {
        let start = buffer.writerIndex
        do {
            try writeUnchecked(to: &buffer, version: version, maximumPacketSize: maximumPacketSize)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Encodes into a fresh buffer.
    public func encoded(version: MQTTProtocolVersion, maximumPacketSize: Int = ByteBuffer.maxPacketSize) throws(MQTTError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try write(to: &buffer, version: version, maximumPacketSize: maximumPacketSize)
        return buffer
    }

    private func writeUnchecked(to buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: Int) throws(MQTTError) {
        if case .publish(let packet) = self, packet.properties.isEmpty {
            return try packet.writeWithoutProperties(to: &buffer, version: version, maximumPacketSize: maximumPacketSize)
        }
        let start = buffer.writerIndex
        buffer.writeInteger(type.rawValue << 4 | flags)
        // The body goes after room for the longest length; it is moved back once its size is known.
        let bodyStart = buffer.writerIndex + 4
        buffer.writeRepeatingByte(0, count: 4)
        try writeBody(to: &buffer, version: version)
        let bodyLength = buffer.writerIndex - bodyStart
        let lengthSize = ByteBuffer.variableByteIntegerSize(bodyLength)
        guard bodyLength <= ByteBuffer.maxVariableByteInteger else {
            throw MQTTError(.valueOutOfRange, "Packet body of \(bodyLength) bytes exceeds 268,435,455.")
        }
        guard 1 + lengthSize + bodyLength <= maximumPacketSize else {
            throw MQTTError(.packetTooLarge, "Packet of \(1 + lengthSize + bodyLength) bytes exceeds the peer's maximum of \(maximumPacketSize).")
        }
        if lengthSize < 4 {
            do {
                try buffer.copyBytes(at: bodyStart, to: start + 1 + lengthSize, length: bodyLength)
            } catch {
                throw MQTTError(.valueOutOfRange, "Could not place the packet body.")
            }
        }
        buffer.moveWriterIndex(to: start + 1)
        try buffer.writeVariableByteInteger(bodyLength)
        buffer.moveWriterIndex(forwardBy: bodyLength)
    }

    private var flags: UInt8 {
        guard case .publish(let p) = self else { return type.requiredFlags }
        return (p.dup ? 0x08 : 0) | p.qos.rawValue << 1 | (p.retain ? 0x01 : 0)
    }

    private func writeBody(to b: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTError) {
        let v5 = version == .v5
        switch self {
        case .connect(let p): try p.writeBody(to: &b)
        case .connack(let p):
            b.writeInteger(UInt8(p.sessionPresent ? 1 : 0))
            b.writeInteger(p.reasonCode)
            if v5 { try p.properties.write(to: &b) }
        case .publish(let p):
            let id = try p.checkedFields(version: version)
            try b.writeMQTTString(p.topic)
            if let id { b.writeInteger(id) }
            if v5 { try p.properties.write(to: &b) }
            b.writeImmutableBuffer(p.payload)
        case .puback(let p), .pubrec(let p), .pubrel(let p), .pubcomp(let p):
            b.writeInteger(p.packetID)
            guard v5, p.reasonCode != 0 || !p.properties.isEmpty else { return }
            b.writeInteger(p.reasonCode)
            if !p.properties.isEmpty { try p.properties.write(to: &b) }
        case .subscribe(let p):
            guard !p.subscriptions.isEmpty else { throw MQTTError(.malformedPacket, "SUBSCRIBE needs at least one filter.") }
            b.writeInteger(p.packetID)
            if v5 { try p.properties.write(to: &b) }
            for s in p.subscriptions {
                try b.writeMQTTString(s.filter)
                var options = s.qos.rawValue
                if v5 {
                    options |= (s.noLocal ? 0x04 : 0) | (s.retainAsPublished ? 0x08 : 0) | s.retainHandling.rawValue << 4
                }
                b.writeInteger(options)
            }
        case .suback(let p), .unsuback(let p):
            b.writeInteger(p.packetID)
            if case .unsuback = self, !v5 { return }
            if v5 { try p.properties.write(to: &b) }
            for code in p.reasonCodes { b.writeInteger(code) }
        case .unsubscribe(let p):
            guard !p.filters.isEmpty else { throw MQTTError(.malformedPacket, "UNSUBSCRIBE needs at least one filter.") }
            b.writeInteger(p.packetID)
            if v5 { try p.properties.write(to: &b) }
            for filter in p.filters { try b.writeMQTTString(filter) }
        case .pingreq, .pingresp:
            return
        case .disconnect(let p):
            guard v5, p.reasonCode != 0 || !p.properties.isEmpty else { return }
            b.writeInteger(p.reasonCode)
            if !p.properties.isEmpty { try p.properties.write(to: &b) }
        case .auth(let p):
            guard v5 else { throw MQTTError(.unknownPacketType, "AUTH does not exist in MQTT 3.1.1.") }
            guard p.reasonCode != 0 || !p.properties.isEmpty else { return }
            b.writeInteger(p.reasonCode)
            if !p.properties.isEmpty { try p.properties.write(to: &b) }
        }
    }
}

extension MQTTPublishPacket {
    /// Refuses a topic that is not a valid name (v5 allows an empty one with a topic alias) and a
    /// QoS 1/2 message without a packet id; returns the id to write, nil at QoS 0.
    fileprivate func checkedFields(version: MQTTProtocolVersion) throws(MQTTError) -> UInt16? {
        guard MQTTTopic.isValidName(topic) || (version == .v5 && topic.isEmpty && properties.topicAlias != nil) else {
            throw MQTTError(.invalidTopic, "'\(topic)' is not a valid topic name.")
        }
        guard qos != .atMostOnce else { return nil }
        guard let packetID, packetID != 0 else {
            throw MQTTError(.invalidPacketIdentifier, "QoS \(qos.rawValue) PUBLISH needs a packet identifier.")
        }
        return packetID
    }

    /// The common PUBLISH, without properties: its size is known before it is written, so it goes
    /// into the buffer in one pass, header first, with one capacity check rather than one per
    /// field (the general path writes the body after room for the longest length and moves it back).
    fileprivate func writeWithoutProperties(to b: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: Int) throws(MQTTError) {
        let packetID = try checkedFields(version: version)
        var topic = topic
        let topicSize = topic.utf8.count
        let bodyLength = 2 + topicSize + (packetID == nil ? 0 : 2) + (version == .v5 ? 1 : 0) + payload.readableBytes
        guard bodyLength <= ByteBuffer.maxVariableByteInteger else {
            throw MQTTError(.valueOutOfRange, "Packet body of \(bodyLength) bytes exceeds 268,435,455.")
        }
        let size = 1 + ByteBuffer.variableByteIntegerSize(bodyLength) + bodyLength
        guard size <= maximumPacketSize else {
            throw MQTTError(.packetTooLarge, "Packet of \(size) bytes exceeds the peer's maximum of \(maximumPacketSize).")
        }
        let first = MQTTPacketType.publish.rawValue << 4 | (dup ? 0x08 : 0) | qos.rawValue << 1 | (retain ? 0x01 : 0)
        let payload = self.payload
        topic.withUTF8 { topicBytes in
            b.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
                var at = 0
                func put(_ byte: UInt8) {
                    out[at] = byte
                    at += 1
                }
                put(first)
                var remaining = bodyLength
                repeat {
                    put(UInt8(remaining & 0x7F) | (remaining > 0x7F ? 0x80 : 0))
                    remaining >>= 7
                } while remaining > 0
                put(UInt8(topicSize >> 8))
                put(UInt8(topicSize & 0xFF))
                UnsafeMutableRawBufferPointer(rebasing: out[at...]).copyMemory(from: UnsafeRawBufferPointer(topicBytes))
                at += topicSize
                if let packetID {
                    put(UInt8(packetID >> 8))
                    put(UInt8(packetID & 0xFF))
                }
                if version == .v5 { put(0) }
                payload.withUnsafeReadableBytes { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: out[at...]).copyMemory(from: bytes)
                }
                return size
            }
        }
    }
}

extension MQTTConnectPacket {
    fileprivate func writeBody(to b: inout ByteBuffer) throws(MQTTError) {
        try b.writeMQTTString("MQTT")
        b.writeInteger(version.rawValue)
        var flags: UInt8 = cleanStart ? 0x02 : 0
        if let will { flags |= 0x04 | will.qos.rawValue << 3 | (will.retain ? 0x20 : 0) }
        if password != nil { flags |= 0x40 }
        if username != nil { flags |= 0x80 }
        if version == .v3_1_1 && password != nil && username == nil {
            throw MQTTError(.malformedPacket, "MQTT 3.1.1 forbids a password without a user name.")
        }
        b.writeInteger(flags)
        b.writeInteger(keepAliveSeconds)
        if version == .v5 { try properties.write(to: &b) }
        try b.writeMQTTString(clientID)
        if let will {
            if version == .v5 { try will.properties.write(to: &b) }
            try b.writeMQTTString(will.topic)
            try b.writeMQTTBinary(will.payload)
        }
        if let username { try b.writeMQTTString(username) }
        if let password { try b.writeMQTTBinary(password) }
    }
}
