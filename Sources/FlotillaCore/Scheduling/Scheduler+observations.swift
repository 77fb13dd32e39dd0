extension Scheduler {
    /// Appends an event that no scheduling decision raised: something the hub observed outside
    /// the scheduler, such as an interactive agent's screen state in its tmux pane.
    ///
    /// It goes through the same log as every other event (next sequence number, written in the
    /// same group commit, published only once durable), so SSE clients can resume across it.
    public mutating func recordObservation(_ kind: EventKind, agentID: String?, data: [String: JSONValue], now: Double) {
        emit(kind, agentID: agentID, data: data, now: now)
    }
}
