import NIOCore

extension MQTTPacket {
    /// Reads one packet from the front of `buffer`.
    ///
    /// Returns nil, consuming nothing, while the packet is incomplete. Throws for malformed input
    /// and for a packet whose total size exceeds `maximumPacketSize`; in that case the stream
    /// cannot be resynchronised and the connection must close.
    ///
    /// - Parameter version: the connection's protocol version (CONNECT carries its own).
    public static func read(
        from buffer: inout ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: Int = ByteBuffer.maxPacketSize
    ) throws(MQTTError) -> MQTTPacket? {
        if maximumPacketSize >= 4, let ack = readBareAcknowledgement(from: &buffer) { return ack }
        var peek = buffer
        guard let first = peek.readInteger(as: UInt8.self) else { return nil }
        guard let length = try peek.readVariableByteIntegerIfComplete() else { return nil }
        let headerSize = peek.readerIndex - buffer.readerIndex
        guard headerSize + length <= maximumPacketSize else {
            throw MQTTError(.packetTooLarge, "Packet of \(headerSize + length) bytes exceeds the maximum of \(maximumPacketSize).")
        }
        guard var body = peek.readSlice(length: length) else { return nil }
        let packet = try decode(first: first, body: &body, version: version)
        guard body.readableBytes == 0 else {
            throw MQTTError(.trailingBytes, "\(body.readableBytes) bytes left after the packet's last field.")
        }
        buffer.moveReaderIndex(to: peek.readerIndex)
        return packet
    }

    /// PUBACK, PUBREC, PUBREL or PUBCOMP carrying only a packet id (all of 3.1.1's, and v5's
    /// successes): most of what a busy publisher reads, taken without the general path's slicing.
    /// Anything else, including a malformed acknowledgement, is left to the general path.
    private static func readBareAcknowledgement(from buffer: inout ByteBuffer) -> MQTTPacket? {
        guard let header = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self), header & 0xFF == 2,
              let id = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self), id != 0
        else { return nil }
        let ack = MQTTAckPacket(packetID: id)
        let packet: MQTTPacket
        switch header >> 8 {
        case 0x40: packet = .puback(ack)
        case 0x50: packet = .pubrec(ack)
        case 0x62: packet = .pubrel(ack)
        case 0x70: packet = .pubcomp(ack)
        default: return nil
        }
        buffer.moveReaderIndex(forwardBy: 4)
        return packet
    }

    /// Decodes exactly one whole packet; a short buffer is an error rather than "wait for more".
    public static func decode(_ bytes: ByteBuffer, version: MQTTProtocolVersion, maximumPacketSize: Int = ByteBuffer.maxPacketSize) throws(MQTTError) -> MQTTPacket {
        var buffer = bytes
        guard let packet = try read(from: &buffer, version: version, maximumPacketSize: maximumPacketSize) else {
            throw MQTTError(.truncated, "The bytes end before the packet does.")
        }
        guard buffer.readableBytes == 0 else { throw MQTTError(.trailingBytes, "Bytes follow the packet.") }
        return packet
    }

    private static func decode(first: UInt8, body b: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTError) -> MQTTPacket {
        let flags = first & 0x0F
        guard let type = MQTTPacketType(rawValue: first >> 4) else {
            throw MQTTError(.unknownPacketType, "Packet type \(first >> 4) is reserved.")
        }
        if type != .publish && flags != type.requiredFlags {
            throw MQTTError(.invalidFixedHeaderFlags, "\(type) requires flags \(type.requiredFlags), got \(flags).")
        }
        let v5 = version == .v5
        switch type {
        case .connect: return .connect(try decodeConnect(&b))
        case .connack:
            let ackFlags = try b.readMQTTByte()
            guard ackFlags & 0xFE == 0 else { throw MQTTError(.malformedPacket, "CONNACK reserved flag bits are set.") }
            let code = try reason(b.readMQTTByte(), .connack, version)
            let properties = v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            return .connack(MQTTConnAckPacket(sessionPresent: ackFlags == 1, reasonCode: code, properties: properties))
        case .publish: return .publish(try decodePublish(flags: flags, &b, version))
        case .puback: return .puback(try decodeAck(.puback, &b, version))
        case .pubrec: return .pubrec(try decodeAck(.pubrec, &b, version))
        case .pubrel: return .pubrel(try decodeAck(.pubrel, &b, version))
        case .pubcomp: return .pubcomp(try decodeAck(.pubcomp, &b, version))
        case .subscribe:
            let id = try packetID(&b)
            let properties = v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            var infos: [MQTTSubscribeInfo] = []
            repeat { infos.append(try subscribeOptions(filter(&b), b.readMQTTByte(), version)) } while b.readableBytes > 0
            return .subscribe(MQTTSubscribePacket(packetID: id, subscriptions: infos, properties: properties))
        case .suback, .unsuback:
            let id = try packetID(&b)
            if type == .unsuback && !v5 { return .unsuback(MQTTSubAckPacket(packetID: id, reasonCodes: [])) }
            let properties = v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            var codes: [UInt8] = []
            repeat { codes.append(try reason(b.readMQTTByte(), type, version)) } while b.readableBytes > 0
            let packet = MQTTSubAckPacket(packetID: id, reasonCodes: codes, properties: properties)
            return type == .suback ? .suback(packet) : .unsuback(packet)
        case .unsubscribe:
            let id = try packetID(&b)
            let properties = v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            var filters: [String] = []
            repeat { filters.append(try filter(&b)) } while b.readableBytes > 0
            return .unsubscribe(MQTTUnsubscribePacket(packetID: id, filters: filters, properties: properties))
        case .pingreq: return .pingreq
        case .pingresp: return .pingresp
        case .disconnect:
            guard v5, b.readableBytes > 0 else { return .disconnect(MQTTDisconnectPacket()) }
            let code = try reason(b.readMQTTByte(), .disconnect, version)
            let properties = b.readableBytes > 0 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            return .disconnect(MQTTDisconnectPacket(reasonCode: code, properties: properties))
        case .auth:
            guard v5 else { throw MQTTError(.unknownPacketType, "AUTH does not exist in MQTT 3.1.1.") }
            guard b.readableBytes > 0 else { return .auth(MQTTAuthPacket()) }
            let code = try reason(b.readMQTTByte(), .auth, version)
            let properties = b.readableBytes > 0 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            return .auth(MQTTAuthPacket(reasonCode: code, properties: properties))
        }
    }

    private static func packetID(_ b: inout ByteBuffer) throws(MQTTError) -> UInt16 {
        let id = try b.readMQTTUInt16()
        guard id != 0 else { throw MQTTError(.invalidPacketIdentifier, "Packet identifier 0 is reserved.") }
        return id
    }

    /// A SUBSCRIBE's or UNSUBSCRIBE's topic filter, refused unless it is a valid one.
    private static func filter(_ b: inout ByteBuffer) throws(MQTTError) -> String {
        let filter = try b.readMQTTString()
        guard MQTTTopic.isValidFilter(filter) else { throw MQTTError(.invalidTopic, "'\(filter)' is not a valid topic filter.") }
        return filter
    }

    private static func reason(_ code: UInt8, _ type: MQTTPacketType, _ version: MQTTProtocolVersion) throws(MQTTError) -> UInt8 {
        guard MQTTReasonCode.allowed(for: type, version: version).contains(code) else {
            throw MQTTError(.invalidReasonCode, "Reason code 0x\(String(code, radix: 16)) is not defined for \(type).")
        }
        return code
    }

    private static func qos(_ raw: UInt8) throws(MQTTError) -> MQTTQoS {
        guard let qos = MQTTQoS(rawValue: raw) else { throw MQTTError(.invalidQoS, "QoS \(raw) does not exist.") }
        return qos
    }

    private static func subscribeOptions(_ filter: String, _ options: UInt8, _ version: MQTTProtocolVersion) throws(MQTTError) -> MQTTSubscribeInfo {
        let reservedMask: UInt8 = version == .v5 ? 0xC0 : 0xFC
        guard options & reservedMask == 0 else { throw MQTTError(.malformedPacket, "Subscription options set reserved bits.") }
        guard let handling = MQTTRetainHandling(rawValue: (options >> 4) & 0x03) else {
            throw MQTTError(.malformedPacket, "Retain handling 3 is reserved.")
        }
        return MQTTSubscribeInfo(filter, qos: try qos(options & 0x03), noLocal: options & 0x04 != 0, retainAsPublished: options & 0x08 != 0, retainHandling: handling)
    }

    private static func decodeAck(_ type: MQTTPacketType, _ b: inout ByteBuffer, _ version: MQTTProtocolVersion) throws(MQTTError) -> MQTTAckPacket {
        let id = try packetID(&b)
        guard version == .v5, b.readableBytes > 0 else { return MQTTAckPacket(packetID: id) }
        let code = try reason(b.readMQTTByte(), type, version)
        let properties = b.readableBytes > 0 ? try MQTTProperties.read(from: &b) : MQTTProperties()
        return MQTTAckPacket(packetID: id, reasonCode: code, properties: properties)
    }

    private static func decodePublish(flags: UInt8, _ b: inout ByteBuffer, _ version: MQTTProtocolVersion) throws(MQTTError) -> MQTTPublishPacket {
        guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else {
            throw MQTTError(.invalidFixedHeaderFlags, "PUBLISH with QoS 3.")
        }
        let dup = flags & 0x08 != 0
        if dup && qos == .atMostOnce { throw MQTTError(.invalidFixedHeaderFlags, "PUBLISH QoS 0 with DUP set.") }
        let topic = try b.readMQTTString()
        let id = qos == .atMostOnce ? nil : try packetID(&b)
        let properties = version == .v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
        let aliased = topic.isEmpty && properties.topicAlias != nil
        guard aliased || MQTTTopic.isValidName(topic) else { throw MQTTError(.invalidTopic, "'\(topic)' is not a valid topic name.") }
        let payload = b.readSlice(length: b.readableBytes) ?? ByteBuffer()
        return MQTTPublishPacket(topic: topic, payload: payload, qos: qos, retain: flags & 0x01 != 0, dup: dup, packetID: id, properties: properties)
    }

    private static func decodeConnect(_ b: inout ByteBuffer) throws(MQTTError) -> MQTTConnectPacket {
        guard try b.readMQTTString() == "MQTT" else { throw MQTTError(.invalidProtocolName, "CONNECT protocol name is not 'MQTT'.") }
        let level = try b.readMQTTByte()
        guard let version = MQTTProtocolVersion(rawValue: level) else {
            throw MQTTError(.unsupportedProtocolVersion, "Protocol level \(level) is not supported.")
        }
        let flags = try b.readMQTTByte()
        guard flags & 0x01 == 0 else { throw MQTTError(.malformedPacket, "CONNECT reserved flag is set.") }
        let hasWill = flags & 0x04 != 0
        let willQoS = try qos((flags >> 3) & 0x03)
        let willRetain = flags & 0x20 != 0
        if !hasWill && (willQoS != .atMostOnce || willRetain) {
            throw MQTTError(.malformedPacket, "Will QoS or retain set without a will.")
        }
        let hasPassword = flags & 0x40 != 0
        let hasUsername = flags & 0x80 != 0
        if version == .v3_1_1 && hasPassword && !hasUsername {
            throw MQTTError(.malformedPacket, "MQTT 3.1.1 forbids a password without a user name.")
        }
        let keepAlive = try b.readMQTTUInt16()
        let properties = version == .v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
        let clientID = try b.readMQTTString()
        var will: MQTTConnectPacket.Will?
        if hasWill {
            let willProperties = version == .v5 ? try MQTTProperties.read(from: &b) : MQTTProperties()
            let topic = try b.readMQTTString()
            guard MQTTTopic.isValidName(topic) else { throw MQTTError(.invalidTopic, "Will topic '\(topic)' is not a valid topic name.") }
            will = .init(topic: topic, payload: try b.readMQTTBinary(), qos: willQoS, retain: willRetain, properties: willProperties)
        }
        let username = hasUsername ? try b.readMQTTString() : nil
        let password = hasPassword ? try b.readMQTTBinary() : nil
        return MQTTConnectPacket(
            version: version, clientID: clientID, cleanStart: flags & 0x02 != 0, keepAliveSeconds: keepAlive,
            username: username, password: password, will: will, properties: properties
        )
    }
}

extension ByteBuffer {
    /// The spec's largest packet: a 1-byte header, a 4-byte length and 268,435,455 bytes.
    public static let maxPacketSize = 1 + 4 + maxVariableByteInteger
}
