public import FlotillaCore

extension Engine {
    /// Queue depth per lane and state, agents per state, completion rate and latency.
    public func stats() -> JSONValue {
        let commitsPending = commitsPending
        return inspect { HubStats(scheduler: &$0, now: Timestamp.now(), commitsPending: commitsPending).json }
    }
}
