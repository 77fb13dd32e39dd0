import Foundation

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
