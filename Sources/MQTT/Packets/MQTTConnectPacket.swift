import NIOCore

/// CONNECT: the first packet a client sends.
public struct MQTTConnectPacket: Sendable, Hashable {
    /// A will: published by the broker if the connection ends without DISCONNECT.
    public struct Will: Sendable, Hashable {
        public var topic: String
        public var payload: ByteBuffer
        public var qos: MQTTQoS
        public var retain: Bool
        /// v5 will properties (will delay, message expiry, content type…).
        public var properties: MQTTProperties

        public init(topic: String, payload: ByteBuffer, qos: MQTTQoS = .atLeastOnce, retain: Bool = false, properties: MQTTProperties = .init()) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
            self.properties = properties
        }
    }

    public var version: MQTTProtocolVersion
    public var clientID: String
    /// Clean session (3.1.1) / clean start (5.0).
    public var cleanStart: Bool
    public var keepAliveSeconds: UInt16
    public var username: String?
    public var password: ByteBuffer?
    public var will: Will?
    public var properties: MQTTProperties

    public init(
        version: MQTTProtocolVersion, clientID: String, cleanStart: Bool = true, keepAliveSeconds: UInt16 = 60,
        username: String? = nil, password: ByteBuffer? = nil, will: Will? = nil, properties: MQTTProperties = .init()
    ) {
        self.version = version
        self.clientID = clientID
        self.cleanStart = cleanStart
        self.keepAliveSeconds = keepAliveSeconds
        self.username = username
        self.password = password
        self.will = will
        self.properties = properties
    }
}

/// CONNACK: the broker's answer to CONNECT.
public struct MQTTConnAckPacket: Sendable, Hashable {
    public var sessionPresent: Bool
    /// 3.1.1 return code (0–5) or 5.0 reason code; 0 is success in both.
    public var reasonCode: UInt8
    public var properties: MQTTProperties

    public init(sessionPresent: Bool, reasonCode: UInt8 = 0, properties: MQTTProperties = .init()) {
        self.sessionPresent = sessionPresent
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
