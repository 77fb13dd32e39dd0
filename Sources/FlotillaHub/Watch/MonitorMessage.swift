import FlotillaCore

/// The hub's watched-agent events as the monitor socket sends them: named
/// `state_change`, `progress`, `agent_stuck`, `agent_error`, `agent_complete`, `command_sent`,
/// `command_failed` (and `session_killed`), with monitor fields (`session`, `state`, …) beside the hub's own.
///
/// `{"type":"event","event":"state_change","session":"backend-1","agent":"backend-1",
/// "pane":"%3","seq":42,"timestamp":1733312345678,"ts":"2026-…Z","state":"idle",
/// "prevState":"thinking","data":{…the hub event's data…}}`
enum MonitorMessage {
    /// The monitor name of a hub event kind; nil for events the monitor socket does not send.
    static func monitorName(of kind: EventKind?) -> String? {
        switch kind {
        case .agentScreenState?: "state_change"
        case .agentProgress?: "progress"
        case .agentStuck?: "agent_stuck"
        case .agentError?: "agent_error"
        case .agentComplete?: "agent_complete"
        case .agentCommandSent?: "command_sent"
        case .agentCommandFailed?: "command_failed"
        case .agentKilled?: "session_killed"
        default: nil
        }
    }

    /// The message for `event`, or nil when the monitor had no such event.
    static func json(_ event: EventRecord) -> JSONValue? {
        guard let name = monitorName(of: event.kind) else { return nil }
        let data = event.details
        let agent: JSONValue = event.agentID.map { .string($0) } ?? .null
        var message: [String: JSONValue] = [
            "type": "event", "event": .string(name), "session": agent, "agent": agent,
            "pane": data["pane"] ?? .null, "seq": .int(event.seq),
            "timestamp": .int(Int64((event.ts * 1000).rounded())), "ts": .string(Timestamp.iso8601(event.ts)),
            "data": .object(data),
        ]
        switch name {
        case "state_change":
            message["state"] = data["to"] ?? .null
            message["prevState"] = data["from"] ?? .null
        case "progress":
            message["progress"] = data["percent"] ?? .null
        case "agent_stuck":
            message["idleTime"] = data["seconds_unchanged"] ?? .null
        case "command_sent", "command_failed":
            message["command"] = data["text"] ?? .null
            message["jobId"] = data["id"] ?? .null
            if name == "command_failed" { message["error"] = data["error"] ?? .null }
        default:
            break
        }
        return .object(message)
    }
}
