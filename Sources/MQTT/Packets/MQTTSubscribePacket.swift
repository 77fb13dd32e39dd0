/// What to do with retained messages when a subscription is made (v5).
public enum MQTTRetainHandling: UInt8, Sendable, Hashable, CaseIterable {
    case sendOnSubscribe = 0
    case sendIfNew = 1
    case doNotSend = 2
}

/// One topic filter of a SUBSCRIBE.
public struct MQTTSubscribeInfo: Sendable, Hashable {
    public var filter: String
    public var qos: MQTTQoS
    /// v5: do not receive own publications.
    public var noLocal: Bool
    /// v5: keep the retain flag as published.
    public var retainAsPublished: Bool
    public var retainHandling: MQTTRetainHandling

    public init(_ filter: String, qos: MQTTQoS = .atLeastOnce, noLocal: Bool = false, retainAsPublished: Bool = false, retainHandling: MQTTRetainHandling = .sendOnSubscribe) {
        self.filter = filter
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }
}

public struct MQTTSubscribePacket: Sendable, Hashable {
    public var packetID: UInt16
    public var subscriptions: [MQTTSubscribeInfo]
    public var properties: MQTTProperties

    public init(packetID: UInt16, subscriptions: [MQTTSubscribeInfo], properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.subscriptions = subscriptions
        self.properties = properties
    }
}

/// SUBACK and UNSUBACK: one reason code per filter (UNSUBACK has none in 3.1.1).
public struct MQTTSubAckPacket: Sendable, Hashable {
    public var packetID: UInt16
    public var reasonCodes: [UInt8]
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCodes: [UInt8], properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}

public struct MQTTUnsubscribePacket: Sendable, Hashable {
    public var packetID: UInt16
    public var filters: [String]
    public var properties: MQTTProperties

    public init(packetID: UInt16, filters: [String], properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.filters = filters
        self.properties = properties
    }
}

/// DISCONNECT (reason code and properties exist only in 5.0).
public struct MQTTDisconnectPacket: Sendable, Hashable {
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

/// AUTH (5.0 only): extended authentication exchange.
public struct MQTTAuthPacket: Sendable, Hashable {
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
