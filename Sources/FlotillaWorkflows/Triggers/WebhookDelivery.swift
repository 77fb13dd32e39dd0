import FlotillaCore

/// One signed delivery to `/hooks/github/{workflow}` or `/hooks/generic/{workflow}`, its
/// signature already verified by the hub.
public struct WebhookDelivery: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case github, generic
    }

    public var source: Source
    /// GitHub's `X-GitHub-Event` (`push`); nil for a generic delivery.
    public var event: String?
    /// GitHub's `X-GitHub-Delivery`, the generic `delivery_header`, or the body's SHA-256.
    public var delivery: String
    /// The parsed body (its text when it is not JSON).
    public var payload: JSONValue

    public init(source: Source, event: String?, delivery: String, payload: JSONValue) {
        self.source = source
        self.event = event
        self.delivery = delivery
        self.payload = payload
    }

    /// The run's `trigger_key`: a delivery id seen before names the run it started.
    public func key(workflow: String) -> String { "\(source.rawValue):\(workflow):\(delivery)" }

    /// The run's `trigger`: `{"kind":"webhook","source","event","delivery","payload"}`.
    public var trigger: JSONValue {
        [
            "kind": "webhook", "source": .string(source.rawValue),
            "event": event.map(JSONValue.string) ?? .null,
            "delivery": .string(delivery), "payload": payload,
        ]
    }
}
