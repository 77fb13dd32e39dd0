import FlotillaCore
import Synchronization

extension PaneMonitor {
    /// A state `target`'s agent reported itself (Claude Code's hooks: SessionStart and
    /// UserPromptSubmit say working, a permission Notification waiting_input, Stop idle). It is
    /// published at once, with the same `state_change` event a screen change raises (`source:
    /// hook` in its payload), and wins over what the screen shows for ``hookPrecedence`` (30 s
    /// by default): a screen lags behind (a spinner still drawn after Stop) and may be read
    /// wrong, the hook says what happened. After that the screen is the judge again, so stuck,
    /// error and finer states (reading, testing) still come from it.
    public func observeHook(_ target: Target, state: ObservedState, event: String) {
        hookStates.withLock { $0[target.agent] = (state, ContinuousClock.now) }
        guard let from = transition(target, to: state, progress: nil) else { return }
        emit(.stateChange, target, ["from": .string(from.rawValue), "to": .string(state.rawValue), "source": "hook", "hook": .string(event)])
    }

    /// The state `agent`'s hooks reported, while it still wins over the screen.
    func hookState(of agent: String, now: ContinuousClock.Instant) -> ObservedState? {
        hookStates.withLock { states in
            guard let reported = states[agent] else { return nil }
            if now - reported.at < hookPrecedence { return reported.state }
            states.removeValue(forKey: agent)
            return nil
        }
    }
}
