import NIOCore

@testable import MQTT

/// Random but valid packets for round-trip properties, restricted to what `version` can carry.
struct RandomPackets {
    var rng: SeededGenerator
    let version: MQTTProtocolVersion
    var v5: Bool { version == .v5 }

    init(seed: UInt64, version: MQTTProtocolVersion) {
        rng = SeededGenerator(seed: seed)
        self.version = version
    }

    mutating func bool() -> Bool { Bool.random(using: &rng) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func id() -> UInt16 { UInt16.random(in: 1...UInt16.max, using: &rng) }
    mutating func qos() -> MQTTQoS { MQTTQoS.allCases.randomElement(using: &rng) ?? .atMostOnce }

    mutating func string(maxLength: Int = 12, alphabet: [Character] = Array("abcXYZ019 -_é€😀")) -> String {
        String((0..<int(0...maxLength)).map { _ in alphabet.randomElement(using: &rng) ?? "a" })
    }

    mutating func topic() -> String {
        (0..<int(1...4)).map { _ in string(maxLength: 6, alphabet: Array("abcé$ 9")) }.joined(separator: "/").nonEmpty
    }

    mutating func filter() -> String {
        var levels = (0..<int(1...4)).map { _ in bool() ? "+" : string(maxLength: 5, alphabet: Array("abc€ ")) }
        if bool() { levels.append("#") }
        let inner = levels.joined(separator: "/").nonEmpty
        return int(0...5) == 0 ? "$share/g\(int(0...9))/\(inner)" : inner
    }

    mutating func bytes(maxLength: Int = 40) -> ByteBuffer {
        ByteBuffer(bytes: (0..<int(0...maxLength)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    mutating func properties() -> MQTTProperties {
        guard v5 else { return MQTTProperties() }
        var p = MQTTProperties()
        if bool() { p.payloadFormatIndicator = UInt8(int(0...1)) }
        if bool() { p.messageExpiryInterval = UInt32.random(in: 0...UInt32.max, using: &rng) }
        if bool() { p.contentType = string() }
        if bool() { p.responseTopic = topic() }
        if bool() { p.correlationData = bytes() }
        if bool() { p.subscriptionIdentifiers = (0..<int(1...3)).map { _ in int(1...268_435_455) } }
        if bool() { p.sessionExpiryInterval = UInt32.random(in: 0...UInt32.max, using: &rng) }
        if bool() { p.assignedClientIdentifier = string() }
        if bool() { p.serverKeepAlive = UInt16(int(0...65535)) }
        if bool() { p.authenticationMethod = string() }
        if bool() { p.authenticationData = bytes() }
        if bool() { p.requestProblemInformation = UInt8(int(0...1)) }
        if bool() { p.willDelayInterval = UInt32(int(0...100_000)) }
        if bool() { p.requestResponseInformation = UInt8(int(0...1)) }
        if bool() { p.responseInformation = string() }
        if bool() { p.serverReference = string() }
        if bool() { p.reasonString = string() }
        if bool() { p.receiveMaximum = UInt16(int(1...65535)) }
        if bool() { p.topicAliasMaximum = UInt16(int(0...65535)) }
        if bool() { p.topicAlias = UInt16(int(1...65535)) }
        if bool() { p.maximumQoS = UInt8(int(0...1)) }
        if bool() { p.retainAvailable = UInt8(int(0...1)) }
        if bool() { p.userProperties = (0..<int(1...3)).map { _ in .init(name: string(), value: string()) } }
        if bool() { p.maximumPacketSize = UInt32(int(1...1_000_000)) }
        if bool() { p.wildcardSubscriptionAvailable = UInt8(int(0...1)) }
        if bool() { p.subscriptionIdentifierAvailable = UInt8(int(0...1)) }
        if bool() { p.sharedSubscriptionAvailable = UInt8(int(0...1)) }
        return p
    }

    mutating func reason(_ type: MQTTPacketType) -> UInt8 {
        MQTTReasonCode.allowed(for: type, version: version).randomElement(using: &rng) ?? 0
    }

    mutating func packet() -> MQTTPacket {
        let kinds = v5 ? 15 : 14
        switch int(0...(kinds - 1)) {
        case 0:
            let will = bool() ? MQTTConnectPacket.Will(topic: topic(), payload: bytes(), qos: qos(), retain: bool(), properties: properties()) : nil
            let username: String? = bool() ? string() : nil
            let password: ByteBuffer? = (username != nil || v5) && bool() ? bytes() : nil
            return .connect(MQTTConnectPacket(
                version: version, clientID: string(), cleanStart: bool(), keepAliveSeconds: UInt16(int(0...65535)),
                username: username, password: password, will: will, properties: properties()
            ))
        case 1: return .connack(MQTTConnAckPacket(sessionPresent: bool(), reasonCode: reason(.connack), properties: properties()))
        case 2:
            let q = qos()
            return .publish(MQTTPublishPacket(
                topic: topic(), payload: bytes(maxLength: 300), qos: q, retain: bool(), dup: q != .atMostOnce && bool(),
                packetID: q == .atMostOnce ? nil : id(), properties: properties()
            ))
        case 3: return .puback(ack(.puback))
        case 4: return .pubrec(ack(.pubrec))
        case 5: return .pubrel(ack(.pubrel))
        case 6: return .pubcomp(ack(.pubcomp))
        case 7:
            let infos = (0..<int(1...4)).map { _ in
                v5 ? MQTTSubscribeInfo(filter(), qos: qos(), noLocal: bool(), retainAsPublished: bool(), retainHandling: MQTTRetainHandling.allCases.randomElement(using: &rng) ?? .sendIfNew)
                    : MQTTSubscribeInfo(filter(), qos: qos())
            }
            return .subscribe(MQTTSubscribePacket(packetID: id(), subscriptions: infos, properties: properties()))
        case 8: return .suback(MQTTSubAckPacket(packetID: id(), reasonCodes: (0..<int(1...4)).map { _ in reason(.suback) }, properties: properties()))
        case 9: return .unsubscribe(MQTTUnsubscribePacket(packetID: id(), filters: (0..<int(1...4)).map { _ in filter() }, properties: properties()))
        case 10:
            return .unsuback(MQTTSubAckPacket(packetID: id(), reasonCodes: v5 ? (0..<int(1...4)).map { _ in reason(.unsuback) } : [], properties: properties()))
        case 11: return .pingreq
        case 12: return .pingresp
        case 13: return .disconnect(v5 ? MQTTDisconnectPacket(reasonCode: reason(.disconnect), properties: properties()) : MQTTDisconnectPacket())
        default: return .auth(MQTTAuthPacket(reasonCode: reason(.auth), properties: properties()))
        }
    }

    private mutating func ack(_ type: MQTTPacketType) -> MQTTAckPacket {
        v5 ? MQTTAckPacket(packetID: id(), reasonCode: reason(type), properties: properties()) : MQTTAckPacket(packetID: id())
    }
}

extension String {
    fileprivate var nonEmpty: String { isEmpty ? "x" : self }
}
