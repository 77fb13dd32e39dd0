/// The messages of one subscription, as an `AsyncSequence`.
///
/// The stream is registered before SUBSCRIBE is sent, so no message the broker sends after
/// granting it is missed (retained ones included). It buffers without bound; iterate it
/// promptly. It ends when the client shuts down or the subscription is unsubscribed.
public struct MQTTSubscription: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage

    /// The client-local id (also the v5 subscription identifier sent to the broker).
    public let id: Int
    public let filters: [MQTTSubscribeInfo]
    /// The broker's SUBACK reason codes, one per filter (granted QoS 0–2, or ≥ 0x80 refused).
    public let reasonCodes: [UInt8]
    let stream: AsyncStream<MQTTMessage>

    public func makeAsyncIterator() -> AsyncStream<MQTTMessage>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}
