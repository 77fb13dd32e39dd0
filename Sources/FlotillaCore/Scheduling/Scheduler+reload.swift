extension Scheduler {
    /// This scheduler rebuilt from what the store holds, after a commit failed.
    ///
    /// Group commit lets later operations build on changes not yet durable, so when a commit
    /// fails, memory holds that change and everything built on it; the store holds exactly what
    /// was acknowledged. The store wins: tasks, attempts, leases, dependencies and agents' held
    /// work come from the snapshot, as after a restart.
    ///
    /// What the store cannot know survives from memory: which agents are connected right now
    /// (their sockets stay open, and the hub has sent them only what committed), connection
    /// numbers (never reused), the event sequence it must not repeat (the failed events were
    /// never published, so the store's last one is right) and the id generator.
    ///
    /// - Parameter open: the connections still open; an agent whose socket closed while the
    ///   store refused the change that would have said so is offline.
    public func reloaded(from snapshot: StoreSnapshot, open: Set<Int>, now: Double) -> Scheduler {
        var fresh = Scheduler(policy: policy, ids: ids)
        fresh.nextConnection = nextConnection
        fresh.stats = stats
        fresh.restore(snapshot, now: now)
        fresh.carryAnnouncements(from: self)
        for (id, live) in agents {
            guard let connection = live.connection, open.contains(connection) else { continue }
            var slot = fresh.agents[id] ?? AgentSlot(registration: live.registration, connection: nil, now: now)
            slot.registration = live.registration
            slot.connection = connection
            slot.accepting = live.accepting
            slot.draining = live.draining
            slot.connectedAt = live.connectedAt
            slot.lastSeen = live.lastSeen
            slot.heartbeat = live.heartbeat
            // No event for a state the agent had all along.
            slot.announced = slot.state
            fresh.agents[id] = slot
        }
        return fresh
    }
}
