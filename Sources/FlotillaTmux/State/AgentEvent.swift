import FlotillaCore
import Foundation

/// Something that happened to a watched agent, named as the monitor socket names it.
public struct AgentEvent: Sendable, Hashable {
    /// Stable event names.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case stateChange = "state_change"
        case progress
        case agentStuck = "agent_stuck"
        case agentError = "agent_error"
        case agentComplete = "agent_complete"
        case commandSent = "command_sent"
        case commandFailed = "command_failed"
        /// An approval prompt met an enabled auto-approve policy: `approved` says whether its
        /// keys were sent, `prompt` holds the lines the policy was matched against.
        case approval
    }

    public var kind: Kind
    public var agent: String
    public var pane: String
    /// Event details, e.g. `{"from":"thinking","to":"idle"}`.
    public var payload: JSONValue
    /// Seconds since 1970.
    public var at: Double

    public init(kind: Kind, agent: String, pane: String, payload: JSONValue, at: Double = Date().timeIntervalSince1970) {
        self.kind = kind
        self.agent = agent
        self.pane = pane
        self.payload = payload
        self.at = at
    }

    /// `command_sent` or `command_failed` for a finished command.
    public static func command(_ record: CommandRecord) -> AgentEvent {
        var payload: [String: JSONValue] = [
            "id": .int(Int64(record.id)), "text": .string(record.text), "attempts": .int(Int64(record.attempts)),
            "forced": .bool(record.forced),
        ]
        if let method = record.method { payload["method"] = .string(method.rawValue) }
        if let code = record.errorCode { payload["error"] = .string(code) }
        return AgentEvent(
            kind: record.outcome == .sent ? .commandSent : .commandFailed, agent: record.agent, pane: record.pane,
            payload: .object(payload), at: record.finishedAt
        )
    }
}
