import Synchronization

/// The messages of one subscription, as an `AsyncSequence`.
///
/// The stream is registered before SUBSCRIBE is sent, so no message the broker sends after
/// granting it is missed (retained ones included). It ends when the client shuts down or the
/// subscription is unsubscribed. Its buffer is bounded by flow control, not by dropping: once it
/// holds ``MQTTClient/Configuration/maxBufferedMessages`` messages not yet taken, the client stops
/// reading from the broker until the consumer catches up (docs/mqtt.md, "Flow control").
public struct MQTTSubscription: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage

    /// The client-local id (also the v5 subscription identifier sent to the broker).
    public let id: Int
    public let filters: [MQTTSubscribeInfo]
    /// The broker's SUBACK reason codes, one per filter (granted QoS 0–2, or ≥ 0x80 refused).
    public let reasonCodes: [UInt8]
    let stream: AsyncStream<MQTTMessage>
    let buffer: MQTTSubscriptionBuffer
    let flowControl: MQTTFlowControl

    /// Messages delivered to this subscription that no iterator has taken yet.
    public var bufferedCount: Int { buffer.count.load(ordering: .relaxed) }
    /// The most messages it has held untaken at once (for tests and stats).
    public var peakBufferedCount: Int { buffer.peak.load(ordering: .relaxed) }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), buffer: buffer, flowControl: flowControl)
    }

    /// Counts each message it takes, so the client reads again once the consumer caught up.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<MQTTMessage>.AsyncIterator
        let buffer: MQTTSubscriptionBuffer
        let flowControl: MQTTFlowControl

        public mutating func next() async -> MQTTMessage? {
            guard let message = await base.next() else { return nil }
            flowControl.taken(from: buffer)
            return message
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> MQTTMessage? {
            guard let message = await base.next(isolation: actor) else { return nil }
            flowControl.taken(from: buffer)
            return message
        }
    }
}
