import FlotillaCore

extension Hub {
    /// Queue depth per lane and state, agents per state, completion rate and latency.
    public func stats() -> JSONValue {
        inspect { HubStats(scheduler: &$0, now: Timestamp.now()).json }
    }
}
