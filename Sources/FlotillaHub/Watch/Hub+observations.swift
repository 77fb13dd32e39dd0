import FlotillaCore
import FlotillaTmux

extension Hub {
    /// Appends an observed event to the event log without waiting for its commit. Calls keep
    /// their order: the sequence number is taken under the scheduler's lock.
    func recordObservation(_ type: String, agentID: String, data: [String: JSONValue]) {
        mutate({ scheduler, now in scheduler.recordObservation(type, agentID: agentID, data: data, now: now) }, completion: { _ in })
    }
}

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
