extension Scheduler {
    /// How a report was taken.
    public enum ReportOutcome: Sendable, Hashable {
        case applied
        /// The same report for the same attempt was already recorded: nothing changed.
        case duplicate
    }

    /// Applies an agent's report on one attempt, fenced by `(task id, attempt)`.
    ///
    /// Throws `stale_attempt` (409) when the attempt is not the task's current one held by
    /// this agent, and `task_not_found` (404) when no such task exists.
    ///
    /// - Parameter stored: the task's state in the store, looked up when it was not in flight,
    ///   to tell "finished long ago" (stale) from "never existed".
    /// - Parameter connection: the session the report came on; when given, it must be the
    ///   agent's live session (a superseded one speaks for no one), else `forbidden`.
    public mutating func report(_ report: AttemptReport, from agentID: String, connection: Int? = nil, stored: TaskState? = nil, now: Double) throws(FlotillaError) -> ReportOutcome {
        if let connection, !isSession(connection, of: agentID) {
            throw FlotillaError(.forbidden, "This connection is not agent '\(agentID)'s session (another connection took it over); its reports change nothing.", field: "agent_id")
        }
        guard var task = tasks[report.taskID] else {
            let finished = recentFinished[report.taskID]
            if let finished, finished.attempt == report.attempt, finished.agentID == agentID {
                switch (finished.state, report.kind) {
                case (.succeeded, .complete), (.dead, .fail): return .duplicate
                default: break
                }
            }
            guard let finishedState = finished?.state ?? stored else { throw FlotillaError.taskNotFound(report.taskID) }
            throw FlotillaError(.staleAttempt, "Task \(report.taskID) is already \(finishedState.rawValue); attempt \(report.attempt) is no longer current.", field: "payload.attempt")
        }
        if task.state == .failed, task.attempt == report.attempt, task.agentID == agentID, case .fail = report.kind {
            return .duplicate
        }
        guard task.attempt == report.attempt, task.agentID == agentID, task.state.isHeld else {
            throw FlotillaError(
                .staleAttempt,
                "Attempt \(report.attempt) of task \(report.taskID) is not current (current attempt \(task.attempt), state \(task.state.rawValue)).",
                field: "payload.attempt"
            )
        }
        // The attempt went to an agent serving one of the task's roles; an agent that since
        // registered without them (a role-bound token) may not finish it.
        if let roles = agents[agentID]?.registration.roles, !task.spec.roles.contains(where: roles.contains) {
            throw FlotillaError(
                .forbidden,
                "Agent '\(agentID)' serves \(roles.joined(separator: ", ")), not the roles of task \(task.id) (\(task.spec.roles.joined(separator: ", "))); it may not report on it.",
                field: "payload.task_id"
            )
        }
        task.leaseExpiresAt = now + policy.leaseDuration
        let pushes = lanes.pushes
        // A report frees at most this agent's slot; other free agents need a full pump only
        // when it put work into a lane (a dependent unblocked, a task released).
        var freed: String? { lanes.pushes == pushes ? agentID : nil }
        switch report.kind {
        case .accept:
            guard task.state == .assigned else { return .duplicate }
            agents[agentID]?.running.insert(task.id)
            move(&task, to: .running, now: now)
            announce(agentID, now: now)
        case .progress(let percent, let message, let files):
            if task.state == .assigned {
                agents[agentID]?.running.insert(task.id)
                move(&task, to: .running, now: now)
                announce(agentID, now: now)
            }
            task.progress = percent ?? task.progress
            task.progressMessage = message ?? task.progressMessage
            task.updatedAt = now
            tasks[task.id] = task
            recordProgress(task, now: now, files: announceFiles(task, files))
        case .complete(let result):
            settleUsage(task, result: result, taskEnds: true, now: now)
            task.result = result
            task.error = nil
            endAttempt(&task, outcome: .succeeded, error: nil, now: now)
            agents[agentID]?.completed += 1
            stats.record(latency: now - task.createdAt, at: now)
            sinceSample.record(latency: now - task.createdAt)
            task.finishedAt = now
            task.leaseExpiresAt = nil
            move(&task, to: .succeeded, now: now, data: ["result": result])
            resolveDependents(of: task.id, succeeded: true, now: now)
            announce(agentID, now: now)
            pump(now: now, freed: freed)
        case .fail(let error, let retryable, let result):
            settleUsage(task, result: result, now: now)
            if let result { task.result = result }
            agents[agentID]?.failed += 1
            failAttempt(&task, outcome: .failed, error: error, retryable: retryable, now: now)
            announce(agentID, now: now)
            pump(now: now, freed: freed)
        case .release(let reason):
            endAttempt(&task, outcome: .released, error: reason, now: now)
            // A release is the agent's choice, not a failure: it does not use up an attempt.
            task.attemptBase += 1
            task.leaseExpiresAt = nil
            enqueue(&task, now: now, data: ["released": .bool(true)])
            announce(agentID, now: now)
            pump(now: now, freed: freed)
        }
        return .applied
    }

    /// Closes the current attempt and frees the agent's slot.
    mutating func endAttempt(_ task: inout TaskRecord, outcome: AttemptRecord.Outcome, error: String?, now: Double) {
        forgetProgress(task.id)
        endFileClaim(task.id, now: now)
        if !ledger.open.isEmpty { ledger.open.removeValue(forKey: task.id) }
        if var attempt = attempts.removeValue(forKey: task.id) {
            attempt.endedAt = now
            attempt.outcome = outcome
            attempt.error = error
            effects.writes.append(.saveAttempt(attempt))
        }
        if let agentID = task.agentID {
            agents[agentID]?.held.remove(task.id)
            agents[agentID]?.running.remove(task.id)
        }
        cancelApprovals(taskID: task.id, attempt: task.attempt, now: now)
    }

    /// Ends a held attempt as failed, then retries after backoff or dead-letters the task.
    mutating func failAttempt(_ task: inout TaskRecord, outcome: AttemptRecord.Outcome, error: String, retryable: Bool, now: Double) {
        endAttempt(&task, outcome: outcome, error: error, now: now)
        task.error = error
        task.leaseExpiresAt = nil
        if retryable && task.attemptsLeft > 0 {
            let delay = policy.backoff.delay(afterFailures: task.attempt - task.attemptBase)
            task.retryAt = now + delay
            retrying.insert(task.id)
            move(&task, to: .failed, now: now, data: ["error": .string(error), "outcome": .string(outcome.rawValue), "retry_at": .string(Timestamp.iso8601(now + delay))])
        } else {
            task.finishedAt = now
            task.reason = retryable ? "out of attempts after \(task.attempt - task.attemptBase)" : "failed without retry: \(error)"
            move(&task, to: .dead, now: now, data: ["error": .string(error), "outcome": .string(outcome.rawValue), "reason": .string(task.reason!)])
            resolveDependents(of: task.id, succeeded: false, now: now)
        }
    }

    /// Unblocks dependents when a dependency succeeded; cancels them (transitively) when it
    /// ended dead or cancelled.
    mutating func resolveDependents(of id: String, succeeded: Bool, now: Double) {
        guard let waiting = dependents.removeValue(forKey: id) else { return }
        for dependentID in waiting.sorted() {
            guard var dependent = tasks[dependentID], dependent.state == .blocked else { continue }
            if succeeded {
                waitingOn[dependentID]?.remove(id)
                if waitingOn[dependentID]?.isEmpty ?? true {
                    waitingOn.removeValue(forKey: dependentID)
                    enqueue(&dependent, now: now)
                }
            } else {
                let state = recentFinished[id]?.state ?? .dead
                cancelInMemory(&dependent, reason: "dependency \(id) is \(state.rawValue)", now: now)
            }
        }
    }
}
