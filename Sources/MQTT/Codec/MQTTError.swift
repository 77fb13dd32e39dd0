/// An MQTT failure with a stable machine-readable ``code``.
///
/// Decoding never traps: every malformed byte sequence ends up here. The code's `rawValue`
/// is stable and documented in docs/mqtt.md; the message is for humans and may change.
///
/// This target keeps its own error type rather than FlotillaCore's `CodedError`: MQTT is a
/// standalone client library that imports nothing of Flotilla (FlotillaCore would bring the
/// domain, Crypto and collections into every MQTT user), and its error carries the broker's
/// reason code, which no other module has. It prints the same `code: message` shape.
public struct MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Codec
        /// A variable byte integer used a fifth byte (the spec allows at most four).
        public static let variableByteIntegerTooLong = Code(rawValue: "variable_byte_integer_too_long")
        /// A variable byte integer was not in its shortest form (e.g. `80 00`).
        public static let nonMinimalVariableByteInteger = Code(rawValue: "non_minimal_variable_byte_integer")
        /// A value does not fit the wire format (e.g. a length over 268,435,455 or a string over 65,535 bytes).
        public static let valueOutOfRange = Code(rawValue: "value_out_of_range")
        /// The packet is larger than the negotiated maximum packet size.
        public static let packetTooLarge = Code(rawValue: "packet_too_large")
        /// The fixed header's flag bits are not the ones the spec requires for this packet type.
        public static let invalidFixedHeaderFlags = Code(rawValue: "invalid_fixed_header_flags")
        /// Packet type 0, or AUTH on an MQTT 3.1.1 connection.
        public static let unknownPacketType = Code(rawValue: "unknown_packet_type")
        /// The packet ended before a field it announced.
        public static let truncated = Code(rawValue: "truncated")
        /// Bytes were left over after the last field of a packet.
        public static let trailingBytes = Code(rawValue: "trailing_bytes")
        /// A string was not well-formed UTF-8.
        public static let invalidUTF8 = Code(rawValue: "invalid_utf8")
        /// A string contained U+0000.
        public static let nullCharacter = Code(rawValue: "null_character")
        /// CONNECT did not carry the protocol name `MQTT`.
        public static let invalidProtocolName = Code(rawValue: "invalid_protocol_name")
        /// CONNECT asked for a protocol level other than 4 (3.1.1) or 5.
        public static let unsupportedProtocolVersion = Code(rawValue: "unsupported_protocol_version")
        /// A QoS of 3, or a QoS field where the spec forbids one.
        public static let invalidQoS = Code(rawValue: "invalid_qos")
        /// Reserved bits were set or a field combination is forbidden.
        public static let malformedPacket = Code(rawValue: "malformed_packet")
        /// An unknown property identifier, a duplicated single-valued property, or a bad property value.
        public static let invalidProperty = Code(rawValue: "invalid_property")
        /// A reason code not defined for this packet.
        public static let invalidReasonCode = Code(rawValue: "invalid_reason_code")
        /// Packet identifier 0, which the spec reserves.
        public static let invalidPacketIdentifier = Code(rawValue: "invalid_packet_identifier")
        /// A topic name with wildcards, an empty topic, or a malformed topic filter.
        public static let invalidTopic = Code(rawValue: "invalid_topic")

        // Client
        /// The broker refused the connection (see the error's reason code).
        public static let connectionRefused = Code(rawValue: "connection_refused")
        /// The connection closed before the operation completed.
        public static let connectionClosed = Code(rawValue: "connection_closed")
        /// The broker did not answer in time (CONNACK or PINGRESP).
        public static let timeout = Code(rawValue: "timeout")
        /// The broker sent something the protocol does not allow at this point.
        public static let protocolError = Code(rawValue: "protocol_error")
        /// The broker refused a subscription (SUBACK failure).
        public static let subscriptionRefused = Code(rawValue: "subscription_refused")
        /// The broker refused a publish (PUBACK/PUBREC reason code ≥ 0x80).
        public static let publishRefused = Code(rawValue: "publish_refused")
        /// A broker URL that is not `mqtt://` or `mqtts://` with a host.
        public static let invalidURL = Code(rawValue: "invalid_url")
        /// The TLS handshake failed (e.g. the broker's certificate is not trusted or names another host).
        public static let tlsFailed = Code(rawValue: "tls_failed")
        /// The client was shut down (its `run()` ended) before the operation completed.
        public static let shutdown = Code(rawValue: "shutdown")
    }

    /// The stable code.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The MQTT reason code involved, if any (e.g. a CONNACK refusal).
    public let reasonCode: UInt8?

    public init(_ code: Code, _ message: String, reasonCode: UInt8? = nil) {
        self.code = code
        self.message = message
        self.reasonCode = reasonCode
    }

    public var description: String {
        if let reasonCode { return "\(code.rawValue) (reason 0x\(String(reasonCode, radix: 16))): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}

extension MQTTError.Code: CaseIterable {
    /// Every code, in the order of docs/mqtt.md's table (which a test holds them to).
    public static let allCases: [Self] = [
        .variableByteIntegerTooLong, .nonMinimalVariableByteInteger, .valueOutOfRange, .packetTooLarge,
        .invalidFixedHeaderFlags, .unknownPacketType, .truncated, .trailingBytes, .invalidUTF8,
        .nullCharacter, .invalidProtocolName, .unsupportedProtocolVersion, .invalidQoS, .malformedPacket,
        .invalidProperty, .invalidReasonCode, .invalidPacketIdentifier, .invalidTopic,
        .connectionRefused, .connectionClosed, .timeout, .protocolError, .subscriptionRefused,
        .publishRefused, .invalidURL, .tlsFailed, .shutdown,
    ]
}
