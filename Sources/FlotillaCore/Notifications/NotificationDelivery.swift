import Crypto

/// One notification of one event to one subscription's target, as stored (table
/// `notification_deliveries`) and listed (`GET /api/notifications`). The row is written before
/// the first attempt: its ``dedupeKey`` is unique, so an event read twice (a restart, a
/// resumed stream) is notified once.
public struct NotificationDelivery: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Not sent yet, or failed and due again at ``NotificationDelivery/nextAttemptAt``.
        case pending
        case delivered
        /// Every attempt failed (``NotificationBackoff``); ``NotificationDelivery/lastError`` says why.
        case failed
        /// A repeat of the same kind about the same subject within the suppression window:
        /// collapsed into the earlier notification, never sent.
        case suppressed
    }

    /// `ntf_` + 16 hex digits of the dedupe key's SHA-256: the same for the same event and
    /// subscription on every hub start; the webhook's `X-Flotilla-Delivery`.
    public var id: String
    /// `<subscription>/<event seq>`.
    public var dedupeKey: String
    public var subscription: String
    public var target: String
    public var kind: NotificationTarget.Kind
    public var eventSeq: Int64
    public var eventType: String
    /// What repeats are collapsed by: `task:<id>`, `agent:<id>`, `budget:<name>`, `approval:<id>`.
    public var subject: String
    public var status: Status
    public var attempts: Int
    /// The last attempt's failure: an HTTP status and the start of its body, a timeout, an
    /// exit status (never a URL or a secret).
    public var lastError: String?
    public var nextAttemptAt: Double?
    public var createdAt: Double
    public var deliveredAt: Double?
    /// The event as the hub sent it (its JSON): retries after a restart need nothing else.
    public var event: JSONValue

    public init(subscription: NotificationSubscription, target: NotificationTarget, event: EventRecord, now: Double) {
        let key = Self.dedupeKey(subscription: subscription.name, eventSeq: event.seq)
        self.id = Self.id(dedupeKey: key)
        self.dedupeKey = key
        self.subscription = subscription.name
        self.target = target.name
        self.kind = target.kind
        self.eventSeq = event.seq
        self.eventType = event.type
        self.subject = Self.subject(of: event)
        self.status = .pending
        self.attempts = 0
        self.lastError = nil
        self.nextAttemptAt = now
        self.createdAt = now
        self.deliveredAt = nil
        self.event = event.json
    }

    /// A row as read back from the store.
    public init(id: String, dedupeKey: String, subscription: String, target: String, kind: NotificationTarget.Kind, eventSeq: Int64, eventType: String, subject: String, status: Status, attempts: Int, lastError: String?, nextAttemptAt: Double?, createdAt: Double, deliveredAt: Double?, event: JSONValue) {
        self.id = id
        self.dedupeKey = dedupeKey
        self.subscription = subscription
        self.target = target
        self.kind = kind
        self.eventSeq = eventSeq
        self.eventType = eventType
        self.subject = subject
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.event = event
    }

    public static func dedupeKey(subscription: String, eventSeq: Int64) -> String { "\(subscription)/\(eventSeq)" }

    public static func id(dedupeKey: String) -> String {
        "ntf_" + NotificationSignature.hex(Array(SHA256.hash(data: Array(dedupeKey.utf8)).prefix(8)))
    }

    /// What a repeat is recognised by (with the event type and the subscription).
    public static func subject(of event: EventRecord) -> String {
        let data = event.data
        if event.type.hasPrefix("budget."), let budget = data["budget"]?.stringValue { return "budget:\(budget)" }
        if event.type.hasPrefix("approval."), let id = data["id"]?.stringValue { return "approval:\(id)" }
        if event.type.hasPrefix(EventKind.taskPrefix), let task = event.taskID { return "task:\(task)" }
        if let agent = event.agentID { return "agent:\(agent)" }
        return "event:\(event.seq)"
    }

    /// The key of the suppression window: a repeat has the same one.
    public var repeatKey: String { "\(subscription)|\(eventType)|\(subject)" }

    /// Records a failed attempt at `now`: due again per `backoff`, or `failed` when none is left.
    public mutating func failed(_ error: String, now: Double, backoff: NotificationBackoff) {
        attempts += 1
        lastError = String(error.prefix(500))
        if let next = backoff.nextAttempt(after: attempts, now: now) {
            nextAttemptAt = next
        } else {
            status = .failed
            nextAttemptAt = nil
        }
    }

    public mutating func delivered(now: Double) {
        attempts += 1
        status = .delivered
        deliveredAt = now
        nextAttemptAt = nil
    }

    /// `{id, target, kind, event_id, event_type, status, attempts, last_error, next_attempt_at,
    /// created_at, delivered_at, subscription, subject}` (times ISO-8601).
    public var json: JSONValue {
        [
            "id": .string(id),
            "subscription": .string(subscription),
            "target": .string(target),
            "kind": .string(kind.rawValue),
            "event_id": .int(eventSeq),
            "event_type": .string(eventType),
            "subject": .string(subject),
            "status": .string(status.rawValue),
            "attempts": .int(Int64(attempts)),
            "last_error": lastError.map { .string($0) } ?? .null,
            "next_attempt_at": nextAttemptAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
            "created_at": .string(Timestamp.iso8601(createdAt)),
            "delivered_at": deliveredAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
        ]
    }
}

/// A page of deliveries, newest first (`GET /api/notifications`).
public struct NotificationQuery: Sendable, Hashable {
    public var status: NotificationDelivery.Status?
    public var limit: Int

    public init(status: NotificationDelivery.Status? = nil, limit: Int = 100) {
        self.status = status
        self.limit = limit
    }

    /// From `?status=&limit=`; a bad value is refused by name.
    public init(parameters: [String: String]) throws(FlotillaError) {
        self.init()
        if let raw = parameters["status"], raw != "all" {
            guard let status = NotificationDelivery.Status(rawValue: raw) else {
                let allowed = NotificationDelivery.Status.allCases.map(\.rawValue).joined(separator: ", ")
                throw FlotillaError(.invalidField, "'status' must be one of \(allowed) or all, got '\(raw.prefix(40))'.", field: "status")
            }
            self.status = status
        }
        if let raw = parameters["limit"] {
            guard let limit = Int(raw), (1...500).contains(limit) else {
                throw FlotillaError(.invalidField, "'limit' must be an integer from 1 to 500, got '\(raw.prefix(40))'.", field: "limit")
            }
            self.limit = limit
        }
    }
}
