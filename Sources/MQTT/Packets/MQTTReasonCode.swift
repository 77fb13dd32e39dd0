/// MQTT 5.0 reason codes (and the 3.1.1 return codes they extend), with the sets each packet allows.
public enum MQTTReasonCode {
    public static let success: UInt8 = 0x00
    public static let grantedQoS1: UInt8 = 0x01
    public static let grantedQoS2: UInt8 = 0x02
    public static let disconnectWithWill: UInt8 = 0x04
    public static let noMatchingSubscribers: UInt8 = 0x10
    public static let noSubscriptionExisted: UInt8 = 0x11
    public static let continueAuthentication: UInt8 = 0x18
    public static let reAuthenticate: UInt8 = 0x19
    public static let unspecifiedError: UInt8 = 0x80
    public static let malformedPacket: UInt8 = 0x81
    public static let protocolError: UInt8 = 0x82
    public static let implementationSpecificError: UInt8 = 0x83
    public static let unsupportedProtocolVersion: UInt8 = 0x84
    public static let clientIdentifierNotValid: UInt8 = 0x85
    public static let badUserNameOrPassword: UInt8 = 0x86
    public static let notAuthorized: UInt8 = 0x87
    public static let serverUnavailable: UInt8 = 0x88
    public static let serverBusy: UInt8 = 0x89
    public static let banned: UInt8 = 0x8A
    public static let serverShuttingDown: UInt8 = 0x8B
    public static let badAuthenticationMethod: UInt8 = 0x8C
    public static let keepAliveTimeout: UInt8 = 0x8D
    public static let sessionTakenOver: UInt8 = 0x8E
    public static let topicFilterInvalid: UInt8 = 0x8F
    public static let topicNameInvalid: UInt8 = 0x90
    public static let packetIdentifierInUse: UInt8 = 0x91
    public static let packetIdentifierNotFound: UInt8 = 0x92
    public static let receiveMaximumExceeded: UInt8 = 0x93
    public static let topicAliasInvalid: UInt8 = 0x94
    public static let packetTooLarge: UInt8 = 0x95
    public static let messageRateTooHigh: UInt8 = 0x96
    public static let quotaExceeded: UInt8 = 0x97
    public static let administrativeAction: UInt8 = 0x98
    public static let payloadFormatInvalid: UInt8 = 0x99
    public static let retainNotSupported: UInt8 = 0x9A
    public static let qosNotSupported: UInt8 = 0x9B
    public static let useAnotherServer: UInt8 = 0x9C
    public static let serverMoved: UInt8 = 0x9D
    public static let sharedSubscriptionsNotSupported: UInt8 = 0x9E
    public static let connectionRateExceeded: UInt8 = 0x9F
    public static let maximumConnectTime: UInt8 = 0xA0
    public static let subscriptionIdentifiersNotSupported: UInt8 = 0xA1
    public static let wildcardSubscriptionsNotSupported: UInt8 = 0xA2

    /// The reason codes the spec defines for `type`, under `version`.
    static func allowed(for type: MQTTPacketType, version: MQTTProtocolVersion) -> Set<UInt8> {
        if version == .v3_1_1 {
            switch type {
            case .connack: return [0, 1, 2, 3, 4, 5]
            case .suback: return [0, 1, 2, 0x80]
            default: return [0]
            }
        }
        switch type {
        case .connack:
            return [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F]
        case .puback, .pubrec:
            return [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]
        case .pubrel, .pubcomp:
            return [0x00, 0x92]
        case .suback:
            return [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2]
        case .unsuback:
            return [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91]
        case .disconnect:
            return [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96,
                    0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2]
        case .auth:
            return [0x00, 0x18, 0x19]
        default:
            return [0]
        }
    }
}
