/// What one attempt of a delivery sends, built without I/O: an HTTP request (webhook, Slack,
/// ntfy) or a command with its stdin. The hub's sender only carries it out.
public enum NotificationRequest: Sendable, Hashable {
    case http(url: String, headers: [Header], body: [UInt8])
    /// Run by `/bin/sh -c`, `stdin` written to it and closed; `environment` added to the hub's.
    case command(String, stdin: [UInt8], environment: [String: String])

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The request for `delivery` to `target`, sent at `now` (the webhook's timestamp).
    /// Nil when a secret it needs is missing (``NotificationSecrets/load(_:read:)`` refuses
    /// that at start).
    public static func make(_ delivery: NotificationDelivery, target: NotificationTarget, secrets: NotificationSecrets, now: Double) -> NotificationRequest? {
        let message = NotificationMessage(event: (try? EventRecord(json: delivery.event)) ?? EventRecord(seq: delivery.eventSeq, type: delivery.eventType, ts: now))
        switch target.kind {
        case .webhook:
            guard let url = secrets.url(of: target), let secret = secrets.secret(of: target) else { return nil }
            let body = document(delivery, message: message).jsonBytes
            let timestamp = Int64(now.rounded(.down))
            return .http(url: url, headers: [
                Header("Content-Type", "application/json"),
                Header(NotificationSignature.timestampHeader, String(timestamp)),
                Header(NotificationSignature.signatureHeader, NotificationSignature.header(timestamp: timestamp, body: body, secret: secret)),
                Header(NotificationSignature.deliveryHeader, delivery.id),
                Header(NotificationSignature.eventHeader, delivery.eventType),
            ], body: body)
        case .slack:
            // Slack's incoming webhooks take `{"text": …}` with its mrkdwn: *bold* for the title.
            guard let url = secrets.url(of: target) else { return nil }
            let body = JSONValue.object(["text": .string("*\(message.title)*\n\(message.text)")]).jsonBytes
            return .http(url: url, headers: [Header("Content-Type", "application/json")], body: body)
        case .ntfy:
            // ntfy publishes the plain-text body; title, priority (1-5) and tags come as headers.
            guard let url = secrets.url(of: target) else { return nil }
            var headers = [
                Header("Content-Type", "text/plain; charset=utf-8"),
                Header("Title", "Flotilla: \(message.title)"),
                Header("Priority", String(message.priority)),
            ]
            if !message.tags.isEmpty { headers.append(Header("Tags", message.tags.joined(separator: ","))) }
            if let token = secrets.token(of: target) { headers.append(Header("Authorization", "Bearer \(token)")) }
            return .http(url: url, headers: headers, body: Array(message.text.utf8))
        case .command:
            guard let command = target.command else { return nil }
            return .command(command, stdin: document(delivery, message: message).jsonBytes, environment: [
                "FLOTILLA_DELIVERY_ID": delivery.id,
                "FLOTILLA_EVENT_TYPE": delivery.eventType,
                "FLOTILLA_NOTIFICATION_TITLE": message.title,
                "FLOTILLA_NOTIFICATION_TEXT": message.text,
            ])
        }
    }

    /// The JSON a webhook receives and a command reads on stdin:
    /// `{"id","subscription","event_type","title","text","event"}`. The same on every attempt.
    public static func document(_ delivery: NotificationDelivery, message: NotificationMessage) -> JSONValue {
        [
            "id": .string(delivery.id),
            "subscription": .string(delivery.subscription),
            "event_type": .string(delivery.eventType),
            "title": .string(message.title),
            "text": .string(message.text),
            "event": delivery.event,
        ]
    }
}

/// Collapses repeats: the same subscription, event type and subject within the window.
public struct NotificationSuppressor: Sendable {
    public let window: Double
    private var last: [String: Double] = [:]

    public init(window: Double) {
        self.window = window
    }

    /// Whether a delivery with `key` first seen at `now` is sent (true) or collapsed into the
    /// one sent less than `window` seconds before (false). Only sent ones restart the window,
    /// so a steady repeat still notifies once per window.
    public mutating func admit(_ key: String, at now: Double) -> Bool {
        guard window > 0 else { return true }
        if let previous = last[key], now - previous < window { return false }
        last[key] = now
        if last.count > 10_000 { last = last.filter { now - $0.value < window } }
        return true
    }

    /// Remembers a delivery sent before a restart (read from the store at start).
    public mutating func remember(_ key: String, at time: Double) {
        last[key] = max(last[key] ?? time, time)
    }
}
