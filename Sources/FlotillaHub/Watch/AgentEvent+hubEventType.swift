import FlotillaCore
import FlotillaTmux

extension AgentEvent.Kind {
    /// The hub's event type for a seeds/004 event name. The hub names events `task.*` and
    /// `agent.*`; `agent.state_change` already means the scheduler's agent states (idle,
    /// assigned, …), so the state read off a pane is `agent.screen_state`.
    public var hubEventType: String {
        switch self {
        case .stateChange: "agent.screen_state"
        case .progress: "agent.progress"
        case .agentStuck: "agent.stuck"
        case .agentError: "agent.error"
        case .agentComplete: "agent.complete"
        case .commandSent: "agent.command_sent"
        case .commandFailed: "agent.command_failed"
        case .approval: "agent.approval"
        }
    }
}
