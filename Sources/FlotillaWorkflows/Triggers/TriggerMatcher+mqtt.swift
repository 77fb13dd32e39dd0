import FlotillaCore
import Foundation

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

/// MQTT topic filters as a broker applies them (MQTT 5.0 §4.7): `+` matches one level, a final
/// `#` any number of levels (the parent included), and a filter starting with a wildcard does
/// not match a topic starting with `$`. Kept here (FlotillaWorkflows imports no networking) and
/// checked against the broker by the hub's MQTT trigger test.
public enum MQTTTopicFilter {
    /// `{swarm}` replaced by the hub's swarm.
    public static func expand(_ filter: String, swarm: String) -> String {
        filter.replacingOccurrences(of: "{swarm}", with: swarm)
    }

    public static func matches(filter: String, topic: String) -> Bool {
        if topic.hasPrefix("$"), filter.hasPrefix("+") || filter.hasPrefix("#") { return false }
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in filterLevels.enumerated() {
            if level == "#" { return index == filterLevels.count - 1 }
            guard index < topicLevels.count else { return false }
            if level != "+", level != topicLevels[index] { return false }
        }
        return filterLevels.count == topicLevels.count
    }

    /// Whether `filter` is one a broker accepts: `#` only as a whole last level, `+` only as a
    /// whole level, no NUL, 1 to 65,535 bytes.
    public static func isValid(_ filter: String) -> Bool {
        guard !filter.isEmpty, filter.utf8.count <= 65_535, !filter.contains("\0") else { return false }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#"), level != "#" || index != levels.count - 1 { return false }
            if level.contains("+"), level != "+" { return false }
        }
        return true
    }
}
