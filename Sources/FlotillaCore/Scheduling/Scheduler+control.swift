extension Scheduler {
    /// Cancels a task that is in flight. A held task's agent is told to stop.
    public mutating func cancel(_ id: String, reason: String, now: Double) throws(FlotillaError) -> TaskRecord {
        guard var task = tasks[id] else { throw FlotillaError.taskNotFound(id) }
        cancelInMemory(&task, reason: reason, now: now)
        pump(now: now)
        return task
    }

    mutating func cancelInMemory(_ task: inout TaskRecord, reason: String, now: Double) {
        if task.state.isHeld {
            tellAgentToStop(task, reason: reason, now: now)
            endAttempt(&task, outcome: .cancelled, error: reason, now: now)
            if let agentID = task.agentID { announce(agentID, now: now) }
        }
        lanes.remove(task.id)
        fileClaims.forget(task.id)
        retrying.remove(task.id)
        if let open = waitingOn.removeValue(forKey: task.id) {
            for dependency in open { dependents[dependency]?.remove(task.id) }
        }
        task.reason = reason
        task.finishedAt = now
        task.leaseExpiresAt = nil
        task.retryAt = nil
        move(&task, to: .cancelled, now: now, data: ["reason": .string(reason)])
        resolveDependents(of: task.id, succeeded: false, now: now)
    }

    mutating func tellAgentToStop(_ task: TaskRecord, reason: String, now: Double) {
        guard let agentID = task.agentID, let connection = agents[agentID]?.connection else { return }
        let envelope = Envelope(
            id: ids.next(now: now), type: .cancel, ts: Timestamp.iso8601(now), agentID: agentID,
            payload: ["task_id": .string(task.id), "attempt": .int(Int64(task.attempt)), "reason": .string(reason)]
        )
        effects.outbound.append(Outbound(connection: connection, envelope: envelope))
    }

    /// Puts a finished (dead, failed, cancelled) task back in line with a fresh attempt budget.
    ///
    /// - Parameters:
    ///   - stored: the task as stored, when it is no longer in memory.
    ///   - facts: states of its dependencies that are not in memory.
    public mutating func retry(_ id: String, stored: TaskRecord?, facts: StoredFacts, now: Double) throws(FlotillaError) -> TaskRecord {
        var task: TaskRecord
        if let active = tasks[id] {
            guard active.state == .failed else {
                throw FlotillaError(.invalidState, "Task \(id) is \(active.state.rawValue); only dead, failed, cancelled or expired tasks can be retried.")
            }
            task = active
            retrying.remove(id)
        } else if let stored {
            guard stored.state == .dead || stored.state == .cancelled || stored.state == .expired else {
                throw FlotillaError(.invalidState, "Task \(id) is \(stored.state.rawValue); only dead, failed, cancelled or expired tasks can be retried.")
            }
            task = stored
            // A retry is a deliberate new life: the TTL that ended the first one no longer applies.
            if task.spec.ttlSeconds != nil { task.spec.ttlSeconds = nil }
            recentFinished.removeValue(forKey: id)
        } else {
            throw FlotillaError.taskNotFound(id)
        }
        var open: Set<String> = []
        for dependency in task.spec.dependsOn {
            let state = tasks[dependency]?.state ?? recentFinished[dependency]?.state ?? facts.states[dependency] ?? .succeeded
            switch state {
            case .succeeded: continue
            case .dead, .cancelled, .expired:
                throw FlotillaError(.invalidState, "Task \(id) depends on \(dependency), which is \(state.rawValue); retry that first.", field: TaskSpec.Field.dependsOn.rawValue)
            default: open.insert(dependency)
            }
        }
        task.attemptBase = task.attempt
        task.finishedAt = nil
        task.reason = nil
        task.error = nil
        task.retryAt = nil
        if open.isEmpty {
            enqueue(&task, now: now, data: ["retry": .bool(true)])
        } else {
            waitingOn[id] = open
            for dependency in open { dependents[dependency, default: []].insert(id) }
            move(&task, to: .blocked, now: now, data: ["retry": .bool(true)])
        }
        pump(now: now)
        return tasks[id] ?? task
    }

    /// Time passes: expired leases and timed-out attempts fail (and retry), backoffs that ended
    /// put their tasks back in line, then free agents get work.
    public mutating func tick(now: Double) {
        if ledger.roll(to: now) { releaseBudgetHolds(now: now) }
        expireOverdue(now: now)
        flushProgress(now: now)
        for (agentID, slot) in agents where !slot.held.isEmpty {
            for taskID in slot.held.sorted() {
                guard var task = tasks[taskID], task.state.isHeld, task.agentID == agentID else { continue }
                if let timeout = policy.timeout(for: task.spec), let started = task.startedAt, now >= started + timeout {
                    tellAgentToStop(task, reason: "timeout", now: now)
                    failAttempt(&task, outcome: .timeout, error: "timeout after \(Int(timeout))s", retryable: true, now: now)
                    announce(agentID, now: now)
                } else if let lease = task.leaseExpiresAt, now >= lease {
                    tellAgentToStop(task, reason: "lease_expired", now: now)
                    failAttempt(&task, outcome: .leaseExpired, error: "lease_expired", retryable: true, now: now)
                    announce(agentID, now: now)
                }
            }
        }
        for taskID in retrying.sorted() {
            guard var task = tasks[taskID] else {
                retrying.remove(taskID)
                continue
            }
            if let due = task.retryAt, now >= due {
                retrying.remove(taskID)
                enqueue(&task, now: now)
            }
        }
        pump(now: now)
    }
}
