import NIOCore

/// PUBLISH: an application message in either direction.
public struct MQTTPublishPacket: Sendable, Hashable {
    public var topic: String
    public var payload: ByteBuffer
    public var qos: MQTTQoS
    public var retain: Bool
    /// Set on re-delivery of a QoS 1/2 message.
    public var dup: Bool
    /// Present (non-zero) only for QoS 1 and 2.
    public var packetID: UInt16?
    public var properties: MQTTProperties

    public init(
        topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false, dup: Bool = false,
        packetID: UInt16? = nil, properties: MQTTProperties = .init()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.packetID = packetID
        self.properties = properties
    }
}

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape.
public struct MQTTAckPacket: Sendable, Hashable {
    public var packetID: UInt16
    /// v5 reason code; 0 (success) for 3.1.1.
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(packetID: UInt16, reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.packetID = packetID
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
