import FlotillaCore

extension TriggerMatcher {
    /// The broker topic filters `workflow` listens on, with `{swarm}` replaced by `swarm`.
    public static func mqttFilters(of workflow: WorkflowDefinition, swarm: String) -> [String] {
        workflow.triggers.mqtt.map { MQTTTopicFilter.expand($0.topic, swarm: swarm) }
    }

    /// Whether a broker message on `topic` starts a run of `workflow` (`on.mqtt`), and its
    /// trigger: `{"kind":"mqtt","topic","payload"}`; `payload` is the parsed JSON when the
    /// message is JSON, else its text.
    public static func mqtt(topic: String, payload: JSONValue, workflow: WorkflowDefinition, swarm: String) -> TriggerDecision {
        let candidates = workflow.triggers.mqtt.filter { MQTTTopicFilter.matches(filter: MQTTTopicFilter.expand($0.topic, swarm: swarm), topic: topic) }
        guard !candidates.isEmpty else { return .ignore(reason: "no mqtt trigger of \(workflow.name) matches '\(topic)'") }
        let trigger: JSONValue = ["kind": "mqtt", "topic": .string(topic), "payload": payload]
        return first(candidates.lazy.map { decide(trigger, own: $0.condition, workflow: workflow, what: "mqtt trigger") }, none: "no mqtt trigger matched")
    }

    /// A message's payload as a trigger carries it: its JSON when it parses, else its text
    /// (bytes that are not UTF-8 are repaired, as `String(decoding:)` does).
    public static func mqttPayload(_ bytes: [UInt8]) -> JSONValue {
        if let value = try? JSONValue.parse(bytes) { return value }
        return .string(String(decoding: bytes, as: UTF8.self))
    }
}
