import NIOCore

/// MQTT 5.0 properties. Single-valued properties are optionals; the spec's repeatable ones
/// (user properties, subscription identifiers) are arrays, kept in wire order. Read and set them
/// as members of this type (`properties.reasonString`, `properties.userProperties.append(…)`).
///
/// The values live behind one reference, copied on write, and none at all when every property is
/// absent: most packets carry none, and a packet is copied several times between a `publish` call
/// and the socket, so a copy costs one word instead of thirty fields.
@dynamicMemberLookup
public struct MQTTProperties: Sendable, Hashable {
    /// The properties' values.
    public struct Values: Sendable, Hashable {
        public var payloadFormatIndicator: UInt8?
        public var messageExpiryInterval: UInt32?
        public var contentType: String?
        public var responseTopic: String?
        public var correlationData: ByteBuffer?
        public var subscriptionIdentifiers: [Int] = []
        public var sessionExpiryInterval: UInt32?
        public var assignedClientIdentifier: String?
        public var serverKeepAlive: UInt16?
        public var authenticationMethod: String?
        public var authenticationData: ByteBuffer?
        public var requestProblemInformation: UInt8?
        public var willDelayInterval: UInt32?
        public var requestResponseInformation: UInt8?
        public var responseInformation: String?
        public var serverReference: String?
        public var reasonString: String?
        public var receiveMaximum: UInt16?
        public var topicAliasMaximum: UInt16?
        public var topicAlias: UInt16?
        public var maximumQoS: UInt8?
        public var retainAvailable: UInt8?
        public var userProperties: [MQTTProperties.UserProperty] = []
        public var maximumPacketSize: UInt32?
        public var wildcardSubscriptionAvailable: UInt8?
        public var subscriptionIdentifierAvailable: UInt8?
        public var sharedSubscriptionAvailable: UInt8?

        public init() {}
    }

    public struct UserProperty: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private indirect enum Storage: Sendable, Hashable {
        case values(Values)
    }

    /// nil exactly when every property is absent, so equal properties have equal storage.
    private var storage: Storage?

    public init() {}

    public init(_ values: Values) {
        self.values = values
    }

    /// All the values at once.
    public var values: Values {
        get {
            guard case .values(let values)? = storage else { return Values() }
            return values
        }
        set { storage = newValue == Values() ? nil : .values(newValue) }
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Values, Value>) -> Value {
        get { values[keyPath: keyPath] }
        set { values[keyPath: keyPath] = newValue }
    }

    public var isEmpty: Bool { storage == nil }
}

extension MQTTProperties {
    enum Identifier: UInt8 {
        case payloadFormatIndicator = 0x01, messageExpiryInterval = 0x02, contentType = 0x03
        case responseTopic = 0x08, correlationData = 0x09, subscriptionIdentifier = 0x0B
        case sessionExpiryInterval = 0x11, assignedClientIdentifier = 0x12, serverKeepAlive = 0x13
        case authenticationMethod = 0x15, authenticationData = 0x16, requestProblemInformation = 0x17
        case willDelayInterval = 0x18, requestResponseInformation = 0x19, responseInformation = 0x1A
        case serverReference = 0x1C, reasonString = 0x1F, receiveMaximum = 0x21, topicAliasMaximum = 0x22
        case topicAlias = 0x23, maximumQoS = 0x24, retainAvailable = 0x25, userProperty = 0x26
        case maximumPacketSize = 0x27, wildcardSubscriptionAvailable = 0x28
        case subscriptionIdentifierAvailable = 0x29, sharedSubscriptionAvailable = 0x2A
    }

    /// Reads a property length followed by that many bytes of properties.
    static func read(from buffer: inout ByteBuffer) throws(MQTTError) -> MQTTProperties {
        let length = try buffer.readVariableByteInteger()
        guard var slice = buffer.readSlice(length: length) else {
            throw MQTTError(.truncated, "Properties announce \(length) bytes past the end of the packet.")
        }
        var values = Values()
        while slice.readableBytes > 0 {
            let raw = try slice.readVariableByteInteger()
            guard raw <= Int(UInt8.max), let id = Identifier(rawValue: UInt8(raw)) else {
                throw MQTTError(.invalidProperty, "Unknown property identifier \(raw).")
            }
            try values.readValue(id, from: &slice)
        }
        return MQTTProperties(values)
    }

    /// Writes the property length and the properties.
    func write(to buffer: inout ByteBuffer) throws(MQTTError) {
        if isEmpty {
            buffer.writeInteger(UInt8(0))
            return
        }
        var body = ByteBuffer()
        try values.writeBody(to: &body)
        try buffer.writeVariableByteInteger(body.readableBytes)
        buffer.writeImmutableBuffer(body)
    }
}

extension MQTTProperties.Values {
    typealias Identifier = MQTTProperties.Identifier
    typealias UserProperty = MQTTProperties.UserProperty

    private static func once<T>(_ slot: inout T?, _ value: T, _ id: Identifier) throws(MQTTError) {
        guard slot == nil else { throw MQTTError(.invalidProperty, "Property \(id) appears twice.") }
        slot = value
    }

    private static func flag(_ value: UInt8, _ id: Identifier) throws(MQTTError) -> UInt8 {
        guard value <= 1 else { throw MQTTError(.invalidProperty, "Property \(id) must be 0 or 1, got \(value).") }
        return value
    }

    /// `value`, refused where it is 0: for these properties MQTT 5 makes 0 a protocol error.
    private static func nonZero<Value: FixedWidthInteger>(_ value: Value, _ name: String) throws(MQTTError) -> Value {
        guard value > 0 else { throw MQTTError(.invalidProperty, "\(name) 0 is not allowed.") }
        return value
    }

    fileprivate mutating func readValue(_ id: Identifier, from b: inout ByteBuffer) throws(MQTTError) {
        switch id {
        case .payloadFormatIndicator: try Self.once(&payloadFormatIndicator, Self.flag(b.readMQTTByte(), id), id)
        case .messageExpiryInterval: try Self.once(&messageExpiryInterval, b.readMQTTUInt32(), id)
        case .contentType: try Self.once(&contentType, b.readMQTTString(), id)
        case .responseTopic: try Self.once(&responseTopic, b.readMQTTString(), id)
        case .correlationData: try Self.once(&correlationData, b.readMQTTBinary(), id)
        case .subscriptionIdentifier: subscriptionIdentifiers.append(try Self.nonZero(b.readVariableByteInteger(), "Subscription identifier"))
        case .sessionExpiryInterval: try Self.once(&sessionExpiryInterval, b.readMQTTUInt32(), id)
        case .assignedClientIdentifier: try Self.once(&assignedClientIdentifier, b.readMQTTString(), id)
        case .serverKeepAlive: try Self.once(&serverKeepAlive, b.readMQTTUInt16(), id)
        case .authenticationMethod: try Self.once(&authenticationMethod, b.readMQTTString(), id)
        case .authenticationData: try Self.once(&authenticationData, b.readMQTTBinary(), id)
        case .requestProblemInformation: try Self.once(&requestProblemInformation, Self.flag(b.readMQTTByte(), id), id)
        case .willDelayInterval: try Self.once(&willDelayInterval, b.readMQTTUInt32(), id)
        case .requestResponseInformation: try Self.once(&requestResponseInformation, Self.flag(b.readMQTTByte(), id), id)
        case .responseInformation: try Self.once(&responseInformation, b.readMQTTString(), id)
        case .serverReference: try Self.once(&serverReference, b.readMQTTString(), id)
        case .reasonString: try Self.once(&reasonString, b.readMQTTString(), id)
        case .receiveMaximum: try Self.once(&receiveMaximum, Self.nonZero(b.readMQTTUInt16(), "Receive maximum"), id)
        case .topicAliasMaximum: try Self.once(&topicAliasMaximum, b.readMQTTUInt16(), id)
        case .topicAlias: try Self.once(&topicAlias, Self.nonZero(b.readMQTTUInt16(), "Topic alias"), id)
        case .maximumQoS: try Self.once(&maximumQoS, Self.flag(b.readMQTTByte(), id), id)
        case .retainAvailable: try Self.once(&retainAvailable, Self.flag(b.readMQTTByte(), id), id)
        case .userProperty: userProperties.append(UserProperty(name: try b.readMQTTString(), value: try b.readMQTTString()))
        case .maximumPacketSize: try Self.once(&maximumPacketSize, Self.nonZero(b.readMQTTUInt32(), "Maximum packet size"), id)
        case .wildcardSubscriptionAvailable: try Self.once(&wildcardSubscriptionAvailable, Self.flag(b.readMQTTByte(), id), id)
        case .subscriptionIdentifierAvailable: try Self.once(&subscriptionIdentifierAvailable, Self.flag(b.readMQTTByte(), id), id)
        case .sharedSubscriptionAvailable: try Self.once(&sharedSubscriptionAvailable, Self.flag(b.readMQTTByte(), id), id)
        }
    }

    fileprivate func writeBody(to b: inout ByteBuffer) throws(MQTTError) {
        func id(_ id: Identifier) { b.writeInteger(id.rawValue) }
        if let v = payloadFormatIndicator { id(.payloadFormatIndicator); b.writeInteger(v) }
        if let v = messageExpiryInterval { id(.messageExpiryInterval); b.writeInteger(v) }
        if let v = contentType { id(.contentType); try b.writeMQTTString(v) }
        if let v = responseTopic { id(.responseTopic); try b.writeMQTTString(v) }
        if let v = correlationData { id(.correlationData); try b.writeMQTTBinary(v) }
        for v in subscriptionIdentifiers { id(.subscriptionIdentifier); try b.writeVariableByteInteger(v) }
        if let v = sessionExpiryInterval { id(.sessionExpiryInterval); b.writeInteger(v) }
        if let v = assignedClientIdentifier { id(.assignedClientIdentifier); try b.writeMQTTString(v) }
        if let v = serverKeepAlive { id(.serverKeepAlive); b.writeInteger(v) }
        if let v = authenticationMethod { id(.authenticationMethod); try b.writeMQTTString(v) }
        if let v = authenticationData { id(.authenticationData); try b.writeMQTTBinary(v) }
        if let v = requestProblemInformation { id(.requestProblemInformation); b.writeInteger(v) }
        if let v = willDelayInterval { id(.willDelayInterval); b.writeInteger(v) }
        if let v = requestResponseInformation { id(.requestResponseInformation); b.writeInteger(v) }
        if let v = responseInformation { id(.responseInformation); try b.writeMQTTString(v) }
        if let v = serverReference { id(.serverReference); try b.writeMQTTString(v) }
        if let v = reasonString { id(.reasonString); try b.writeMQTTString(v) }
        if let v = receiveMaximum { id(.receiveMaximum); b.writeInteger(v) }
        if let v = topicAliasMaximum { id(.topicAliasMaximum); b.writeInteger(v) }
        if let v = topicAlias { id(.topicAlias); b.writeInteger(v) }
        if let v = maximumQoS { id(.maximumQoS); b.writeInteger(v) }
        if let v = retainAvailable { id(.retainAvailable); b.writeInteger(v) }
        for p in userProperties { id(.userProperty); try b.writeMQTTString(p.name); try b.writeMQTTString(p.value) }
        if let v = maximumPacketSize { id(.maximumPacketSize); b.writeInteger(v) }
        if let v = wildcardSubscriptionAvailable { id(.wildcardSubscriptionAvailable); b.writeInteger(v) }
        if let v = subscriptionIdentifierAvailable { id(.subscriptionIdentifierAvailable); b.writeInteger(v) }
        if let v = sharedSubscriptionAvailable { id(.sharedSubscriptionAvailable); b.writeInteger(v) }
    }
}
