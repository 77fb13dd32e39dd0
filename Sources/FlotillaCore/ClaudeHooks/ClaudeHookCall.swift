/// One Claude Code hook call, as an `http` hook POSTs it to `/hooks/claude/{agent}`.
///
/// The body is Claude Code's documented hook input (code.claude.com/docs/en/hooks, "Hook
/// input"): the common fields `session_id`, `transcript_path`, `cwd`, `permission_mode`,
/// `hook_event_name`, and per event: PermissionRequest `tool_name`, `tool_input`
/// (`permission_suggestions`); Notification `message`, `title`, `notification_type`
/// (`permission_prompt`, `idle_prompt`, `auth_success`, `elicitation_dialog`); Stop
/// `stop_hook_active`, `last_assistant_message`; UserPromptSubmit `prompt`; SessionStart
/// `source` (`startup`, `resume`, `clear`, `compact`), `model`. Fields Claude Code adds later are
/// ignored; only what Flotilla acts on is checked.
public struct ClaudeHookCall: Sendable, Hashable {
    public enum Event: Sendable, Hashable {
        /// A permission dialog is about to be shown: the hub answers it.
        case permissionRequest(tool: String, input: JSONValue)
        case notification(type: String?, message: String?)
        case stop
        case userPromptSubmit
        case sessionStart(source: String?)
    }

    public var event: Event
    public var sessionID: String?
    public var cwd: String?

    public init(event: Event, sessionID: String? = nil, cwd: String? = nil) {
        self.event = event
        self.sessionID = sessionID
        self.cwd = cwd
    }

    /// The event's name as Claude Code spells it.
    public var eventName: String {
        switch event {
        case .permissionRequest: "PermissionRequest"
        case .notification: "Notification"
        case .stop: "Stop"
        case .userPromptSubmit: "UserPromptSubmit"
        case .sessionStart: "SessionStart"
        }
    }

    /// Reads a hook's JSON body. A body that is not an object, has no `hook_event_name`, names
    /// an event Flotilla does not install, or a PermissionRequest without `tool_name` is refused
    /// with the field.
    public static func parse(_ body: JSONValue) throws(FlotillaError) -> ClaudeHookCall {
        guard case .object(let object) = body else {
            throw FlotillaError(.invalidField, "A Claude Code hook body is a JSON object; this is a JSON \(body.typeName).", field: "body")
        }
        func string(_ key: String) throws(FlotillaError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            case let other?: throw FlotillaError(.invalidField, "'\(key)' must be a string, not a JSON \(other.typeName).", field: key)
            }
        }
        guard let name = try string("hook_event_name") else {
            throw FlotillaError(.missingField, "The body has no 'hook_event_name': is this Claude Code's hook input?", field: "hook_event_name")
        }
        let event: Event
        switch name {
        case "PermissionRequest":
            guard let tool = try string("tool_name"), !tool.isEmpty else {
                throw FlotillaError(.missingField, "A PermissionRequest needs 'tool_name' (the tool asking, e.g. Bash).", field: "tool_name")
            }
            let input = object["tool_input"] ?? .object([:])
            guard case .object = input else {
                throw FlotillaError(.invalidField, "'tool_input' must be a JSON object, not a JSON \(input.typeName).", field: "tool_input")
            }
            event = .permissionRequest(tool: tool, input: input)
        case "Notification": event = .notification(type: try string("notification_type"), message: try string("message"))
        case "Stop": event = .stop
        case "UserPromptSubmit": event = .userPromptSubmit
        case "SessionStart": event = .sessionStart(source: try string("source"))
        default:
            let known = ClaudeHookSettings.events.joined(separator: ", ")
            throw FlotillaError(.invalidField, "Unknown hook event '\(name.prefix(80))': this route takes \(known).", field: "hook_event_name")
        }
        return ClaudeHookCall(event: event, sessionID: try string("session_id"), cwd: try string("cwd"))
    }

    /// Claude Code's answer to a PermissionRequest hook (code.claude.com/docs/en/hooks,
    /// "PermissionRequest decision control"): `{"hookSpecificOutput": {"hookEventName":
    /// "PermissionRequest", "decision": {"behavior": "allow"}}}`, or `"behavior": "deny"` with
    /// `message`, which Claude Code passes to the model as the reason.
    public static func permissionDecision(allow: Bool, message: String?) -> JSONValue {
        var decision: [String: JSONValue] = ["behavior": allow ? "allow" : "deny"]
        if !allow { decision["message"] = .string(message ?? "Denied through Flotilla.") }
        return ["hookSpecificOutput": ["hookEventName": "PermissionRequest", "decision": .object(decision)]]
    }
}
