import FlotillaCore
import Foundation

extension WorkflowParser {
    public static let triggerFields = ["event", "schedule", "mqtt", "webhook", "if"]
    public static let eventFields = ["type", "task_type", "role", "agent", "if"]
    public static let scheduleFields = ["cron", "timezone"]
    public static let mqttFields = ["topic", "if"]
    public static let webhookFields = ["github", "generic", "secret_env", "if"]
    public static let genericWebhookFields = ["signature_header", "delivery_header", "secret_env"]

    /// Event types a trigger may wait for: the hub's, and the workflow events runs will publish.
    public static let eventTypes: Set<String> = Set(EventKind.allCases.map(\.rawValue)).union([
        "workflow.started", "workflow.succeeded", "workflow.failed", "workflow.cancelled",
        "step.started", "step.succeeded", "step.failed", "step.skipped", "step.cancelled",
    ])

    static func parseTriggers(_ node: YAMLNode) throws(WorkflowError) -> WorkflowTriggers {
        let reader = try MappingReader(node, what: "'on'", known: triggerFields)
        try reader.refuseUnknownKeys()
        var triggers = WorkflowTriggers()
        if let value = reader.value("event"), !value.isNull {
            for item in value.listItems { triggers.events.append(try parseEvent(item)) }
        }
        if let value = reader.value("schedule"), !value.isNull {
            triggers.schedules = try parseSchedules(value)
        }
        if let value = reader.value("mqtt"), !value.isNull {
            for item in value.listItems { triggers.mqtt.append(try parseMQTT(item)) }
        }
        if let value = reader.value("webhook"), !value.isNull {
            triggers.webhook = try parseWebhook(value)
        }
        if let value = reader.value("if"), !value.isNull {
            triggers.condition = try condition(value, what: "'if' of 'on'")
        }
        return triggers
    }

    /// The mapping's `if:`, when it has one.
    private static func optionalCondition(_ reader: MappingReader, what: String) throws(WorkflowError) -> Expression? {
        guard let value = reader.value("if"), !value.isNull else { return nil }
        return try condition(value, what: "'if' of \(what)")
    }

    private static func parseEvent(_ node: YAMLNode) throws(WorkflowError) -> EventTrigger {
        let reader = try MappingReader(node, what: "on.event", known: eventFields)
        try reader.refuseUnknownKeys()
        let typeNode = try reader.required("type")
        let type = try typeNode.expectString("'type' of on.event")
        guard eventTypes.contains(type) else {
            throw WorkflowError(.invalidValue, "unknown event type '\(type)'\(Suggestion.phrase(for: type, among: eventTypes)); see the event types in docs/api.md", at: typeNode.location)
        }
        return EventTrigger(
            type: type,
            taskType: try reader.string("task_type"),
            role: try reader.string("role"),
            agent: try reader.string("agent"),
            condition: try optionalCondition(reader, what: "on.event")
        )
    }

    private static func parseSchedules(_ node: YAMLNode) throws(WorkflowError) -> [ScheduleTrigger] {
        var out: [ScheduleTrigger] = []
        for item in node.listItems {
            if case .mapping = item.kind {
                let reader = try MappingReader(item, what: "on.schedule", known: scheduleFields)
                try reader.refuseUnknownKeys()
                let zoneNode = reader.value("timezone")
                let zone = try reader.string("timezone") ?? "UTC"
                guard TimeZone(identifier: zone) != nil else {
                    throw WorkflowError(.invalidCron, "unknown time zone '\(zone)': use an IANA name such as Europe/Paris or UTC", at: zoneNode?.location ?? item.location)
                }
                let cronNode = try reader.required("cron")
                for entry in cronNode.listItems { out.append(ScheduleTrigger(cron: try cron(entry), timeZone: zone)) }
            } else {
                out.append(ScheduleTrigger(cron: try cron(item), timeZone: "UTC"))
            }
        }
        return out
    }

    private static func cron(_ node: YAMLNode) throws(WorkflowError) -> CronSchedule {
        let text = try node.expectString("a cron schedule")
        do { return try CronSchedule(text) } catch {
            throw WorkflowError(.invalidCron, error.message, at: node.location)
        }
    }

    private static func parseMQTT(_ node: YAMLNode) throws(WorkflowError) -> MQTTTrigger {
        if let topic = node.string { return MQTTTrigger(topic: try checkTopic(topic, at: node), condition: nil) }
        let reader = try MappingReader(node, what: "on.mqtt", known: mqttFields)
        try reader.refuseUnknownKeys()
        let topicNode = try reader.required("topic")
        return MQTTTrigger(
            topic: try checkTopic(try topicNode.expectString("'topic' of on.mqtt"), at: topicNode),
            condition: try optionalCondition(reader, what: "on.mqtt")
        )
    }

    private static func checkTopic(_ topic: String, at node: YAMLNode) throws(WorkflowError) -> String {
        guard !topic.isEmpty, topic.utf8.count <= 1024, !topic.unicodeScalars.contains(where: { $0 == "\0" }) else {
            throw WorkflowError(.invalidValue, "an MQTT topic must be 1 to 1024 bytes with no NUL", at: node.location)
        }
        return topic
    }

    private static func parseWebhook(_ node: YAMLNode) throws(WorkflowError) -> WebhookTrigger {
        let reader = try MappingReader(node, what: "on.webhook", known: webhookFields)
        try reader.refuseUnknownKeys()
        let secretEnv = try reader.string("secret_env") ?? WebhookTrigger.defaultSecretEnv
        let condition = try optionalCondition(reader, what: "on.webhook")
        let github = reader.value("github")
        let generic = reader.value("generic")
        if github != nil, generic != nil {
            throw WorkflowError(.invalidValue, "on.webhook has both 'github' and 'generic': a webhook is one or the other", at: node.location)
        }
        if let github {
            var events: [String] = []
            for item in github.listItems {
                let event = try item.expectString("a GitHub event of on.webhook.github")
                guard event == "*" || (!event.isEmpty && event.allSatisfy({ $0.isLowercase || $0 == "_" })) else {
                    throw WorkflowError(.invalidValue, "'\(event)' is not a GitHub event name (push, pull_request, … or *)", at: item.location)
                }
                events.append(event)
            }
            guard !events.isEmpty else {
                throw WorkflowError(.invalidValue, "on.webhook.github lists no events: name some (push, pull_request) or '*'", at: github.location)
            }
            return WebhookTrigger(kind: .github(events: events), secretEnv: secretEnv, condition: condition)
        }
        guard let generic else {
            throw WorkflowError(.missingField, "on.webhook needs 'github' (a list of events) or 'generic'", at: node.location)
        }
        var header = WebhookTrigger.defaultSignatureHeader
        var delivery: String?
        var secret = secretEnv
        if !generic.isNull {
            let inner = try MappingReader(generic, what: "on.webhook.generic", known: genericWebhookFields)
            try inner.refuseUnknownKeys()
            header = try inner.string("signature_header") ?? header
            delivery = try inner.string("delivery_header")
            // `generic: {secret_env: …}` reads naturally too; it wins over the webhook's own.
            secret = try inner.string("secret_env") ?? secret
        }
        return WebhookTrigger(kind: .generic(signatureHeader: header, deliveryHeader: delivery), secretEnv: secret, condition: condition)
    }
}

extension YAMLNode {
    /// A list's items, or the node itself: fields that take one value or a list of them.
    var listItems: [YAMLNode] {
        if case .sequence(let items) = kind { return items }
        return [self]
    }
}
