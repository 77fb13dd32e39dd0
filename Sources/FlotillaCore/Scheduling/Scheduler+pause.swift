extension Scheduler {
    /// The agent hit its subscription's usage limit: it takes no work until `until` (it says
    /// `ready` again then). Announced as the state `paused`, with `until` in the event.
    @discardableResult
    public mutating func pause(agentID: String, until: Double, now: Double) -> Bool {
        guard agents[agentID]?.connection != nil else { return false }
        agents[agentID]!.draining = true
        agents[agentID]!.pausedUntil = until
        guard var slot = agents[agentID], slot.announced != .paused else { return true }
        let previous = slot.announced
        slot.announced = .paused
        agents[agentID] = slot
        emit(.agentStateChange, agentID: agentID, data: ["from": .string(previous.rawValue), "to": "paused", "until": .string(Timestamp.iso8601(until))], now: now)
        return true
    }
}
