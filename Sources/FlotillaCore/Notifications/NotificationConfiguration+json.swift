extension NotificationConfiguration {
    /// Reads the configuration, refusing anything doubtful before the hub starts: unknown keys,
    /// unknown event kinds or target kinds, a subscription to a target not defined, bad URLs,
    /// a webhook without its `secret_file`. Every error names its field
    /// (`targets.ops.url`, `subscriptions[1].events[0]`) with code `invalid_field`,
    /// `missing_field` or `unknown_field`.
    public init(json: JSONValue) throws(FlotillaError) {
        let root = try Self.object(json, field: nil, what: "The notifications configuration")
        try Self.refuseUnknown(root, allowed: ["targets", "subscriptions", "retry", "suppress"], field: nil)
        var targets: [String: NotificationTarget] = [:]
        if let raw = root["targets"], !raw.isNull {
            let entries = try Self.object(raw, field: "targets", what: "'targets'")
            for name in entries.keys.sorted() {
                targets[name] = try Self.target(name, entries[name]!)
            }
        }
        var subscriptions: [NotificationSubscription] = []
        if let raw = root["subscriptions"], !raw.isNull {
            guard let list = raw.arrayValue else {
                throw FlotillaError(.invalidField, "'subscriptions' must be a list, got \(raw.typeName).", field: "subscriptions")
            }
            for (index, entry) in list.enumerated() {
                subscriptions.append(try Self.subscription(entry, field: "subscriptions[\(index)]", targets: targets))
            }
        }
        var names = Set<String>()
        for (index, subscription) in subscriptions.enumerated() where !names.insert(subscription.name).inserted {
            throw FlotillaError(.invalidField, "Two subscriptions are named '\(subscription.name)'.", field: "subscriptions[\(index)].name")
        }
        var retry = NotificationBackoff.standard
        if let raw = root["retry"], !raw.isNull {
            guard let list = raw.arrayValue, list.count <= 20 else {
                throw FlotillaError(.invalidField, "'retry' must be a list of at most 20 delays (e.g. [1s, 5s, 30s, 2m, 10m]).", field: "retry")
            }
            var delays: [Double] = []
            for (index, value) in list.enumerated() {
                delays.append(try Self.seconds(value, field: "retry[\(index)]", range: 0...86_400))
            }
            retry = NotificationBackoff(delays: delays)
        }
        let suppress = try root["suppress"].map { value throws(FlotillaError) in try Self.seconds(value, field: "suppress", range: 0...86_400) } ?? 600
        self.init(targets: targets, subscriptions: subscriptions, retry: retry, suppressWindow: suppress)
    }

    private static func target(_ name: String, _ value: JSONValue) throws(FlotillaError) -> NotificationTarget {
        let field = "targets.\(name)"
        guard !name.isEmpty, name.utf8.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw FlotillaError(.invalidField, "A target name is 1 to 64 letters, digits, '-', '_' or '.', got '\(name.prefix(80))'.", field: field)
        }
        let object = try Self.object(value, field: field, what: "'\(field)'")
        try refuseUnknown(object, allowed: ["kind", "url", "url_file", "secret_file", "token_file", "command", "timeout"], field: field)
        let rawKind = try string(object, "kind", field: field, required: true)!
        guard let kind = NotificationTarget.Kind(rawValue: rawKind) else {
            let kinds = NotificationTarget.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw FlotillaError(.invalidField, "Unknown target kind '\(rawKind)' (one of \(kinds)).", field: "\(field).kind")
        }
        var target = NotificationTarget(name: name, kind: kind)
        target.url = try string(object, "url", field: field)
        target.urlFile = try string(object, "url_file", field: field)
        target.secretFile = try string(object, "secret_file", field: field)
        target.tokenFile = try string(object, "token_file", field: field)
        target.command = try string(object, "command", field: field)
        if let timeout = object["timeout"] {
            target.timeout = try seconds(timeout, field: "\(field).timeout", range: 0.1...300)
        }
        if kind == .command {
            guard let command = target.command, !command.isEmpty else {
                throw FlotillaError(.missingField, "A command target needs 'command' (run by /bin/sh with the event's JSON on stdin).", field: "\(field).command")
            }
            for key in ["url", "url_file", "secret_file", "token_file"] where object[key] != nil {
                throw FlotillaError(.invalidField, "A command target takes no '\(key)'.", field: "\(field).\(key)")
            }
            return target
        }
        if target.command != nil {
            throw FlotillaError(.invalidField, "Only a command target takes 'command'.", field: "\(field).command")
        }
        switch (target.url, target.urlFile) {
        case (nil, nil):
            throw FlotillaError(.missingField, "A \(kind.rawValue) target needs 'url' (or 'url_file', a file holding it).", field: "\(field).url")
        case (.some, .some):
            throw FlotillaError(.invalidField, "Set 'url' or 'url_file', not both.", field: "\(field).url_file")
        case (let url?, nil):
            try checkURL(url, field: "\(field).url")
        default:
            break
        }
        if kind == .webhook, target.secretFile == nil {
            throw FlotillaError(.missingField, "A webhook target signs its deliveries: set 'secret_file' to a file holding the signing secret.", field: "\(field).secret_file")
        }
        if kind != .webhook, target.secretFile != nil {
            throw FlotillaError(.invalidField, "Only a webhook target is signed; a \(kind.rawValue) target takes no 'secret_file'.", field: "\(field).secret_file")
        }
        if kind != .ntfy, target.tokenFile != nil {
            throw FlotillaError(.invalidField, "Only an ntfy target takes 'token_file'.", field: "\(field).token_file")
        }
        return target
    }

    private static func subscription(_ value: JSONValue, field: String, targets: [String: NotificationTarget]) throws(FlotillaError) -> NotificationSubscription {
        let object = try Self.object(value, field: field, what: "'\(field)'")
        try refuseUnknown(object, allowed: ["name", "target", "events", "filter"], field: field)
        let target = try string(object, "target", field: field, required: true)!
        guard targets[target] != nil else {
            let known = targets.keys.sorted().joined(separator: ", ")
            throw FlotillaError(.invalidField, "No target named '\(target)'\(known.isEmpty ? " (none is defined)" : " (defined: \(known))").", field: "\(field).target")
        }
        let index = field.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }
        let name = try string(object, "name", field: field) ?? "\(target)#\(index)"
        let events = try strings(object["events"], field: "\(field).events", required: true)
        guard !events.isEmpty else {
            throw FlotillaError(.missingField, "A subscription needs at least one event kind.", field: "\(field).events")
        }
        for (position, kind) in events.enumerated() where !NotificationSubscription.notifiableKinds.contains(kind) {
            throw FlotillaError(.invalidField, "Unknown event kind '\(kind)' (one of \(NotificationSubscription.notifiableKinds.joined(separator: ", "))).", field: "\(field).events[\(position)]")
        }
        var filter = NotificationFilter()
        if let raw = object["filter"], !raw.isNull {
            let entries = try Self.object(raw, field: "\(field).filter", what: "'\(field).filter'")
            try refuseUnknown(entries, allowed: ["type", "role", "tag", "agent"], field: "\(field).filter")
            filter.types = try strings(entries["type"], field: "\(field).filter.type")
            filter.roles = try strings(entries["role"], field: "\(field).filter.role")
            filter.tags = try strings(entries["tag"], field: "\(field).filter.tag")
            filter.agents = try strings(entries["agent"], field: "\(field).filter.agent")
        }
        return NotificationSubscription(name: name, target: target, events: events, filter: filter)
    }
}
