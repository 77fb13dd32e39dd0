/// The protocol level a connection speaks.
public enum MQTTProtocolVersion: UInt8, Sendable, Hashable, CaseIterable {
    /// MQTT 3.1.1 (protocol level 4).
    case v3_1_1 = 4
    /// MQTT 5.0 (protocol level 5).
    case v5 = 5
}

/// Quality of service of a message or subscription.
public enum MQTTQoS: UInt8, Sendable, Hashable, Comparable, CaseIterable {
    /// Fire and forget.
    case atMostOnce = 0
    /// Acknowledged with PUBACK; may be delivered more than once.
    case atLeastOnce = 1
    /// Four-step handshake; delivered exactly once.
    case exactlyOnce = 2

    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool { lhs.rawValue < rhs.rawValue }
}
