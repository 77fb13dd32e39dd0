import NIOCore

/// An application message received on a subscription.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: ByteBuffer
    public var qos: MQTTQoS
    /// Set when the broker delivers a retained message on subscribe.
    public var retain: Bool
    /// v5 properties of the PUBLISH (content type, user properties, subscription identifiers…).
    public var properties: MQTTProperties

    public init(topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false, properties: MQTTProperties = .init()) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }

    /// The payload read as UTF-8 (lossy).
    public var payloadString: String { String(buffer: payload) }
}
