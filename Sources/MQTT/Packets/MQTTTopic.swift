/// Topic names and filters: validation and the spec's matching rules (MQTT-4.7).
public enum MQTTTopic {
    /// Whether `name` may be published to: non-empty, at most 65,535 bytes, no wildcards, no U+0000.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= Int(UInt16.max) && !name.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 == 0 })
    }

    /// Whether `filter` is a well-formed topic filter (`+` a whole level, `#` only as the whole last level).
    /// Shared subscriptions `$share/{group}/{filter}` are checked as their inner filter.
    public static func isValidFilter(_ filter: String) -> Bool {
        guard !filter.isEmpty, !filter.utf8.contains(0) else { return false }
        var inner = Substring(filter)
        if let shared = sharedParts(filter) {
            guard !shared.group.isEmpty, !shared.group.contains(where: { $0 == "+" || $0 == "#" }) else { return false }
            inner = shared.filter
            guard !inner.isEmpty else { return false }
        }
        let levels = inner.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) { return false }
            if level.contains("+") && level != "+" { return false }
        }
        return true
    }

    /// Splits `$share/{group}/{filter}` into its group and filter.
    public static func sharedParts(_ filter: String) -> (group: Substring, filter: Substring)? {
        guard filter.hasPrefix("$share/") else { return nil }
        let rest = filter.dropFirst("$share/".count)
        guard let slash = rest.firstIndex(of: "/") else { return (rest, "") }
        return (rest[..<slash], rest[rest.index(after: slash)...])
    }

    /// Whether a message published on `topic` is delivered to a subscription with `filter`.
    ///
    /// `$share/group/` prefixes are stripped. Topics starting with `$` are not matched by a
    /// filter starting with a wildcard (MQTT-4.7.2-1).
    public static func matches(filter rawFilter: String, topic: String) -> Bool {
        let filter = sharedParts(rawFilter).map { String($0.filter) } ?? rawFilter
        if topic.hasPrefix("$") && (filter.hasPrefix("+") || filter.hasPrefix("#")) { return false }
        var f = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)[...]
        var t = topic.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)[...]
        while let level = f.first {
            if level.elementsEqual("#".utf8) { return true }
            guard let topicLevel = t.first else { return false }
            if !level.elementsEqual("+".utf8) && !level.elementsEqual(topicLevel) { return false }
            f = f.dropFirst()
            t = t.dropFirst()
        }
        return t.isEmpty
    }
}
