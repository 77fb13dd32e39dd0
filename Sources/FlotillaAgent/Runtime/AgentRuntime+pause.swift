import FlotillaCore
import Logging
import Synchronization

/// A subscription's usage limit (Claude Code's `usage limit reached|<reset>`) is not a failure:
/// the attempt is released unharmed, the agent tells the hub it is paused (a `drain` with
/// `{"reason":"usage_limit","until"}`) and takes no work until the reset time, then says
/// `ready` again by itself (docs/costs.md).
extension AgentRuntime {
    /// Pauses until `resets` (seconds since the epoch); the hub hears of it with the attempt's report.
    func pause(until resets: Double) {
        state.withLock { state in
            state.pausedUntil = max(state.pausedUntil ?? 0, resets)
            state.pauseAnnounced = false
        }
        logger.warning("usage limit reached: taking no work until \(Timestamp.iso8601(resets))")
    }

    /// The `drain` payload that says why and until when, while paused.
    func pausePayload() -> JSONValue? {
        state.withLock { $0.pausedUntil }.map { ["reason": "usage_limit", "until": .string(Timestamp.iso8601($0))] }
    }

    /// Tells the hub of a pause not yet announced.
    func announcePause() async {
        let due = state.withLock { state -> Bool in
            guard state.pausedUntil != nil, !state.pauseAnnounced else { return false }
            state.pauseAnnounced = true
            return true
        }
        if due { await send(.drain, payload: pausePayload() ?? [:]) }
    }

    /// Ends a pause whose reset time has come: `ready` again, unless the agent is draining.
    func resumeIfDue() async {
        let resume = state.withLock { state -> Bool in
            guard let until = state.pausedUntil, Timestamp.now() >= until else { return false }
            state.pausedUntil = nil
            return !state.draining
        }
        guard resume else { return }
        logger.info("usage limit reset: taking work again")
        await send(.ready, payload: [:])
    }
}
