import FlotillaCore

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
