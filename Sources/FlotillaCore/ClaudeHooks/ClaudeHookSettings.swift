/// Flotilla's Claude Code `http` hooks, merged into a project's `.claude/settings.local.json`
/// (what `flotilla up` writes for each fleet agent that runs Claude Code interactively in tmux).
///
/// The shapes are Claude Code's documented ones (code.claude.com/docs/en/hooks, "Configuration"
/// and "HTTP hooks"): `{"hooks": {"<Event>": [{"matcher"?: …, "hooks": [{"type": "http", "url",
/// "headers", "allowedEnvVars", "timeout"}]}]}}`. Claude Code POSTs the event's JSON input to
/// `url`; header values may name environment variables (`$VAR`), resolved only for the names
/// listed in `allowedEnvVars`: the agent's token travels that way, from the pane's environment,
/// and is never written into the file.
///
/// Pure: the caller reads and writes the file.
public enum ClaudeHookSettings {
    /// The hook events Flotilla listens to: approvals (PermissionRequest) and the agent's state.
    public static let events = ["PermissionRequest", "Notification", "Stop", "UserPromptSubmit", "SessionStart"]

    /// The environment variable that holds the agent's hub token in its pane.
    public static let tokenVariable = "FLOTILLA_HOOK_TOKEN"

    /// The hub's route, below its URL; the agent's name follows.
    public static let routePrefix = "/hooks/claude/"

    /// Seconds Claude Code waits for the state hooks' answer: they are answered at once, and a
    /// prompt waits on UserPromptSubmit, so a hub that hangs must not hold it long.
    public static let stateTimeout = 10

    /// What to install for one agent.
    public struct Install: Sendable, Hashable {
        /// The hub's base URL (`http://127.0.0.1:7700`), without the route.
        public var hubURL: String
        public var agent: String
        /// Whether PermissionRequest goes to the hub (off for auto-approved agents, whose
        /// prompts the screen answers).
        public var approvals: Bool
        /// Seconds Claude Code waits for a PermissionRequest answer: longer than the hub's
        /// approval timeout, so the hub's timeout policy answers, not Claude Code's give-up.
        public var permissionTimeout: Int

        public init(hubURL: String, agent: String, approvals: Bool = true, permissionTimeout: Int = 660) {
            self.hubURL = hubURL
            self.agent = agent
            self.approvals = approvals
            self.permissionTimeout = permissionTimeout
        }

        /// `{hub}/hooks/claude/{agent}`.
        public var url: String {
            var base = hubURL
            while base.hasSuffix("/") { base.removeLast() }
            return base + ClaudeHookSettings.routePrefix + agent
        }
    }

    /// One http hook entry, as Claude Code's settings take it.
    public static func hook(_ install: Install, timeout: Int) -> JSONValue {
        .object([
            "type": "http",
            "url": .string(install.url),
            "headers": ["Authorization": .string("Bearer $\(tokenVariable)")],
            "allowedEnvVars": [.string(tokenVariable)],
            "timeout": .int(Int64(timeout)),
        ])
    }

    /// Whether `hook` is one Flotilla installed: an http hook whose URL ends in
    /// `/hooks/claude/NAME`. Matching on the route (not on the hub's address) lets a run with
    /// another hub URL replace what an earlier run wrote.
    public static func isFlotillaHook(_ hook: JSONValue) -> Bool {
        guard hook["type"]?.stringValue == "http", let url = hook["url"]?.stringValue,
              let slash = url.lastIndex(of: "/"), url[..<slash].hasSuffix(String(routePrefix.dropLast()))
        else { return false }
        return url.index(after: slash) < url.endIndex
    }

    /// `settings` (the file's JSON, nil when there is none) with Flotilla's hooks for
    /// `install`: every key and hook of the user's kept, Flotilla's earlier entries replaced, so
    /// running it again gives the same document. Throws `invalid_field` naming the key when the
    /// document is not shaped as Claude Code's settings (then nothing should be written).
    public static func merged(_ settings: JSONValue?, _ install: Install) throws(FlotillaError) -> JSONValue {
        var document: [String: JSONValue]
        switch settings {
        case nil, .null?: document = [:]
        case .object(let object)?: document = object
        case let other?:
            throw FlotillaError(.invalidField, "The settings file holds a JSON \(other.typeName), not an object.", field: "settings")
        }
        var hooks: [String: JSONValue]
        switch document["hooks"] {
        case nil, .null?: hooks = [:]
        case .object(let object)?: hooks = object
        case let other?:
            throw FlotillaError(.invalidField, "'hooks' is a JSON \(other.typeName); Claude Code's settings want an object of events.", field: "hooks")
        }
        // Flotilla's own entries go first, from every event (an event no longer installed too).
        for (event, value) in hooks {
            guard case .array(let groups) = value else {
                throw FlotillaError(.invalidField, "'hooks.\(event)' is a JSON \(value.typeName); Claude Code wants a list of matcher groups.", field: "hooks.\(event)")
            }
            let kept = groups.compactMap { group -> JSONValue? in
                guard case .object(var object) = group, case .array(let entries)? = object["hooks"] else { return group }
                let others = entries.filter { !isFlotillaHook($0) }
                if others.isEmpty { return nil }
                object["hooks"] = .array(others)
                return .object(object)
            }
            hooks[event] = kept.isEmpty ? nil : .array(kept)
        }
        for event in events where event != "PermissionRequest" || install.approvals {
            let timeout = event == "PermissionRequest" ? install.permissionTimeout : stateTimeout
            // No matcher: the group applies to every tool and every notification type.
            let group: JSONValue = ["hooks": [hook(install, timeout: timeout)]]
            hooks[event] = .array((hooks[event]?.arrayValue ?? []) + [group])
        }
        document["hooks"] = .object(hooks)
        return .object(document)
    }
}
