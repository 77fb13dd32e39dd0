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

extension TriggerMatcher {
    /// Whether a verified delivery starts a run of `workflow` (`on.webhook`): a GitHub event in
    /// the trigger's list (or `*`), of the kind of webhook the workflow has, passing its `if`
    /// and `on.if`. Whether the workflow has a webhook of this kind at all (a 404 otherwise)
    /// is the caller's first question, before any signature is checked.
    public static func webhook(_ delivery: WebhookDelivery, workflow: WorkflowDefinition) -> TriggerDecision {
        guard let webhook = workflow.triggers.webhook else {
            return .ignore(reason: "\(workflow.name) has no webhook trigger")
        }
        switch (webhook.kind, delivery.source) {
        case (.github(let events), .github):
            let event = delivery.event ?? ""
            guard events.contains("*") || events.contains(event) else {
                return .ignore(reason: "\(workflow.name) starts on GitHub \(events.joined(separator: ", ")), not '\(event)'")
            }
        case (.generic, .generic):
            break
        case (.github, .generic):
            return .ignore(reason: "\(workflow.name) takes GitHub deliveries, at /hooks/github/\(workflow.name)")
        case (.generic, .github):
            return .ignore(reason: "\(workflow.name) takes generic deliveries, at /hooks/generic/\(workflow.name)")
        }
        return decide(delivery.trigger, own: webhook.condition, workflow: workflow, what: "webhook")
    }

    /// Whether `workflow` takes deliveries from `source` at all.
    public static func acceptsWebhooks(from source: WebhookDelivery.Source, workflow: WorkflowDefinition) -> Bool {
        switch (workflow.triggers.webhook?.kind, source) {
        case (.github?, .github), (.generic?, .generic): true
        default: false
        }
    }
}
