extension Scheduler {
    /// Hands an offline agent's held attempts back to the queue at once (the hub's own
    /// initiative heals with it, docs/goals.md), instead of letting them wait out their leases:
    /// each attempt ends `released` with `reason`, which, like an agent's own release, does not
    /// use up an attempt. A connected agent, or one holding nothing, is left alone (returns []).
    /// A late report from the old attempt is refused as stale, as after a lease ran out.
    public mutating func releaseOfflineAttempts(of agentID: String, reason: String, now: Double) -> [String] {
        guard let slot = agents[agentID], slot.connection == nil, !slot.held.isEmpty else { return [] }
        var released: [String] = []
        for taskID in slot.held.sorted() {
            guard var task = tasks[taskID], task.state.isHeld, task.agentID == agentID else { continue }
            endAttempt(&task, outcome: .released, error: reason, now: now)
            task.attemptBase += 1
            task.leaseExpiresAt = nil
            enqueue(&task, now: now, data: ["released": .bool(true), "reason": .string(reason)])
            released.append(taskID)
        }
        announce(agentID, now: now)
        pump(now: now)
        return released
    }

    /// Tasks not finished and not waiting on dependencies alone: queued, handed out, running,
    /// or failed and waiting for their retry. Zero means the queue is idle.
    public var busyTaskCount: Int {
        counts[.queued] + counts[.assigned] + counts[.running] + counts[.failed] + counts[.blocked]
    }
}
