public import FlotillaCore

extension Engine {
    /// Appends an observed event (what a watcher read off an agent's screen) to the event log
    /// without waiting for its commit. Calls keep their order: the sequence number is taken
    /// under the scheduler's lock.
    public func recordObservation(_ kind: EventKind, agentID: String, data: [String: JSONValue]) {
        mutate({ scheduler, now in scheduler.recordObservation(kind, agentID: agentID, data: data, now: now) }, completion: { _ in })
    }
}
