import FlotillaCore
import FlotillaTmux

extension AgentEvent.Kind {
    /// The hub's event kind for a watched agent's event. The hub names events `task.*` and
    /// `agent.*`; `agent.state_change` already means the scheduler's agent states (idle,
    /// assigned, …), so the state read off a pane is `agent.screen_state`.
    public var hubEventKind: EventKind {
        switch self {
        case .stateChange: .agentScreenState
        case .progress: .agentProgress
        case .agentStuck: .agentStuck
        case .agentError: .agentError
        case .agentComplete: .agentComplete
        case .commandSent: .agentCommandSent
        case .commandFailed: .agentCommandFailed
        case .approval: .agentApproval
        }
    }
}
