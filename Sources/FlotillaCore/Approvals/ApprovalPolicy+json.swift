extension ApprovalPolicy {
    /// Reads `{"timeout": "10m"|600, "on_timeout": "deny"|"allow_read_only",
    /// "rules": [{"role", "agent", "allow": [regex], "deny": [regex]}]}` (every member optional).
    /// A bad regex, an unknown key or a bad value throws `invalid_field` naming it
    /// (`rules[2].deny[0]`); nothing is applied.
    public init(json: JSONValue) throws(FlotillaError) {
        guard let object = json.objectValue else {
            throw FlotillaError(.invalidField, "The approvals policy must be an object like {\"timeout\": \"10m\", \"on_timeout\": \"deny\", \"rules\": [...]}, got \(json.typeName).")
        }
        try Self.refuseUnknown(object, known: ["timeout", "on_timeout", "rules"], prefix: "")
        var policy = ApprovalPolicy()
        if let value = object["timeout"], !value.isNull {
            policy.timeout = try Self.seconds(value, field: "timeout")
        }
        if let value = object["on_timeout"], !value.isNull {
            guard let raw = value.stringValue, let action = TimeoutAction(rawValue: raw) else {
                throw FlotillaError(.invalidField, "'on_timeout' must be one of \(TimeoutAction.allCases.map(\.rawValue).joined(separator: ", ")), got \(value.stringValue.map { "'\($0)'" } ?? value.typeName).", field: "on_timeout")
            }
            policy.onTimeout = action
        }
        if let value = object["rules"], !value.isNull {
            guard let array = value.arrayValue else {
                throw FlotillaError(.invalidField, "'rules' must be an array of {role, agent, allow, deny}, got \(value.typeName).", field: "rules")
            }
            for (index, element) in array.enumerated() {
                policy.rules.append(try Self.rule(element, field: "rules[\(index)]"))
            }
        }
        self = policy
    }

    /// The policy as ``init(json:)`` reads it (`flotilla up` hands it to the hub in a file).
    public var json: JSONValue {
        [
            "timeout": .double(timeout),
            "on_timeout": .string(onTimeout.rawValue),
            "rules": .array(rules.map { rule in
                var out: [String: JSONValue] = ["allow": .array(rule.allow.map(JSONValue.string)), "deny": .array(rule.deny.map(JSONValue.string))]
                if let role = rule.role { out["role"] = .string(role) }
                if let agent = rule.agent { out["agent"] = .string(agent) }
                return .object(out)
            }),
        ]
    }

    private static func rule(_ value: JSONValue, field: String) throws(FlotillaError) -> Rule {
        guard let object = value.objectValue else {
            throw FlotillaError(.invalidField, "A rule must be an object {role, agent, allow, deny}, got \(value.typeName).", field: field)
        }
        try refuseUnknown(object, known: ["role", "agent", "allow", "deny"], prefix: field + ".")
        var rule = Rule()
        for key in ["role", "agent"] {
            guard let member = object[key], !member.isNull else { continue }
            guard let text = member.stringValue, !text.isEmpty else {
                throw FlotillaError(.invalidField, "'\(key)' must be a non-empty string, got \(member.typeName).", field: "\(field).\(key)")
            }
            if key == "role" { rule.role = text } else { rule.agent = text }
        }
        rule.allow = try patterns(object["allow"], field: field + ".allow")
        rule.deny = try patterns(object["deny"], field: field + ".deny")
        return rule
    }

    private static func patterns(_ value: JSONValue?, field: String) throws(FlotillaError) -> [String] {
        guard let value, !value.isNull else { return [] }
        let elements = value.stringValue.map { [JSONValue.string($0)] } ?? value.arrayValue
        guard let elements else {
            throw FlotillaError(.invalidField, "'\(field)' must be an array of regular expressions, got \(value.typeName).", field: field)
        }
        var out: [String] = []
        for (index, element) in elements.enumerated() {
            let at = "\(field)[\(index)]"
            guard let pattern = element.stringValue, !pattern.isEmpty else {
                throw FlotillaError(.invalidField, "A pattern must be a non-empty regular expression string, got \(element.typeName).", field: at)
            }
            do {
                _ = try Regex(pattern)
            } catch {
                throw FlotillaError(.invalidField, "'\(pattern)' is not a valid regular expression: \(error).", field: at)
            }
            out.append(pattern)
        }
        return out
    }

    /// A number of seconds, or text `N` / `Ns` / `Nm` / `Nh` / `Nd`, within ``timeoutRange``.
    static func seconds(_ value: JSONValue, field: String) throws(FlotillaError) -> Double {
        var seconds: Double?
        if let number = value.doubleValue {
            seconds = number
        } else if let text = value.stringValue, let last = text.last {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
            if let unit = units[last], let amount = Double(text.dropLast()) {
                seconds = amount * unit
            } else {
                seconds = Double(text)
            }
        }
        guard let seconds, seconds.isFinite, timeoutRange.contains(seconds) else {
            throw FlotillaError(.invalidField, "'\(field)' must be a duration from 1 s to 24 h (600, \"90s\", \"10m\", \"2h\"), got \(value.stringValue.map { "'\($0)'" } ?? value.jsonString).", field: field)
        }
        return seconds
    }

    private static func refuseUnknown(_ object: [String: JSONValue], known: Set<String>, prefix: String) throws(FlotillaError) {
        if let key = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw FlotillaError(.invalidField, "Unknown key '\(key)'; known: \(known.sorted().joined(separator: ", ")).", field: prefix + key)
        }
    }
}
