public import FlotillaCore

/// What the notification service reads at start to go on where it stopped: the event cursor,
/// the deliveries still due, and those recently sent (the suppression window's memory).
public struct NotificationResume: Sendable {
    /// The last event seq it had read; nil before its first start.
    public var cursor: Int64?
    /// Deliveries not sent yet or due again, oldest event first.
    public var pending: [NotificationDelivery]
    /// Deliveries created within the suppression window and not themselves suppressed.
    public var recent: [NotificationDelivery]

    public init(cursor: Int64?, pending: [NotificationDelivery], recent: [NotificationDelivery]) {
        self.cursor = cursor
        self.pending = pending
        self.recent = recent
    }
}
