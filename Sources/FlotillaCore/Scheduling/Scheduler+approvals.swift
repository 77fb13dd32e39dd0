extension Scheduler {
    /// Records an approval request and applies the policy's rules: the record comes back
    /// pending (a person decides, or the timeout policy) or decided by a rule. Over the agent
    /// protocol (`connection` set) the question's task must be an attempt the agent holds, and
    /// `ref` (the asking envelope's id) is where the decision goes back.
    public mutating func requestApproval(_ q: ApprovalQuestion, agentID: String, role: String?, ref: String?, connection: Int? = nil, now: Double) throws(FlotillaError) -> ApprovalRecord {
        var role = role
        if let connection {
            guard isSession(connection, of: agentID) else {
                throw FlotillaError(.forbidden, "This connection is not agent '\(agentID)'s session; its approval request is not recorded.", field: "agent_id")
            }
            if let taskID = q.taskID {
                guard let task = tasks[taskID], task.agentID == agentID, task.state.isHeld, q.attempt == nil || q.attempt == task.attempt else {
                    throw FlotillaError(.staleAttempt, "Task \(taskID)\(q.attempt.map { " attempt \($0)" } ?? "") is not an attempt agent '\(agentID)' holds; its approval request is not recorded.", field: "payload.task_id")
                }
                role = role ?? task.spec.role
            }
            role = role ?? agents[agentID]?.registration.roles.first
        } else if let taskID = q.taskID {
            role = role ?? tasks[taskID]?.spec.role
        }
        var question = q
        if question.attempt == nil, let taskID = q.taskID { question.attempt = tasks[taskID]?.attempt }
        let record = ApprovalRecord(
            id: "apr_" + IDGenerator.secret(byteCount: 8), agentID: agentID, role: role, question: question,
            createdAt: now, expiresAt: now + approvalPolicy.timeout, ref: ref
        )
        effects.writes.append(.saveApproval(record))
        emitApproval(.approvalRequested, record, now: now)
        guard let (allowed, pattern) = approvalPolicy.decide(question, agentID: agentID, role: role) else {
            pendingApprovals[record.id] = record
            return record
        }
        return settle(
            record, allow: allowed, by: .rule, decider: pattern,
            reason: "matched \(allowed ? "allow" : "deny") rule \(pattern)",
            choice: try? record.choiceKey(allow: allowed, requested: nil), now: now
        )
    }

    /// A person's decision on a pending request. Throws `approval_not_found` when no request
    /// is pending under `id` (the engine tells a decided one from a missing one by the store),
    /// and `invalid_field` for a `choice` the question does not offer; nothing changes then.
    public mutating func decideApproval(id: String, allow: Bool, decider: String?, reason: String?, choice: String?, now: Double) throws(FlotillaError) -> ApprovalRecord {
        guard let record = pendingApprovals[id] else {
            throw FlotillaError(.approvalNotFound, "No pending approval request has id '\(id)'.", field: "id")
        }
        let key = try record.choiceKey(allow: allow, requested: choice)
        return settle(record, allow: allow, by: .person, decider: decider, reason: reason, choice: key, now: now)
    }

    /// Applies the timeout policy to the pending requests whose time ran out: denied, or
    /// allowed when the policy is `allow_read_only` and the question only reads.
    public mutating func expireApprovals(now: Double) {
        guard !pendingApprovals.isEmpty else { return }
        let due = pendingApprovals.values.filter { $0.expiresAt <= now }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        for record in due {
            let allow = approvalPolicy.timeoutAllows(record.question)
            let waited = Int((record.expiresAt - record.createdAt).rounded())
            let reason = allow ? "no answer in \(waited) s; read-only, allowed by the timeout policy" : "no answer in \(waited) s"
            settle(record, allow: allow, by: .timeout, decider: approvalPolicy.onTimeout.rawValue, reason: reason,
                   choice: try? record.choiceKey(allow: allow, requested: nil), now: now)
        }
    }

    /// Pending requests waiting for a decision, oldest first.
    public var pendingApprovalRecords: [ApprovalRecord] {
        pendingApprovals.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func pendingApproval(_ id: String) -> ApprovalRecord? { pendingApprovals[id] }

    /// The asking attempt ended (finished, cancelled, lease lost): its pending requests are
    /// denied as `cancelled`, and the agent hears so if it is still connected.
    mutating func cancelApprovals(taskID: String, attempt: Int, now: Double) {
        guard !pendingApprovals.isEmpty else { return }
        for record in pendingApprovalRecords where record.question.taskID == taskID && (record.question.attempt ?? attempt) == attempt {
            settle(record, allow: false, by: .cancelled, decider: nil, reason: "the attempt ended before anyone answered", choice: nil, now: now)
        }
    }

    /// The agent went offline: its pending requests are denied as `cancelled`.
    mutating func cancelApprovals(agentID: String, now: Double) {
        guard !pendingApprovals.isEmpty else { return }
        for record in pendingApprovalRecords where record.agentID == agentID {
            settle(record, allow: false, by: .cancelled, decider: nil, reason: "the agent went offline before anyone answered", choice: nil, now: now)
        }
    }

    /// Decides a request: stores it, announces it, and sends an agent-protocol request's
    /// decision to the asking agent's connection.
    @discardableResult
    private mutating func settle(_ record: ApprovalRecord, allow: Bool, by: ApprovalDecider, decider: String?, reason: String?, choice: String?, now: Double) -> ApprovalRecord {
        let decided = record.deciding(allow: allow, by: by, decider: decider, reason: reason, choice: choice, at: now)
        pendingApprovals.removeValue(forKey: record.id)
        effects.writes.append(.saveApproval(decided))
        effects.decidedApprovals.append(decided)
        emitApproval(.approvalDecided, decided, now: now)
        if let ref = decided.ref, let connection = agents[decided.agentID]?.connection {
            let envelope = Envelope(
                id: ids.next(now: now), type: .approvalDecision, ts: Timestamp.iso8601(now), agentID: decided.agentID,
                payload: decided.decisionPayload(ref: ref)
            )
            effects.outbound.append(Outbound(connection: connection, envelope: envelope))
        }
        return decided
    }

    private mutating func emitApproval(_ kind: EventKind, _ record: ApprovalRecord, now: Double) {
        lastSeq += 1
        let event = EventRecord(seq: lastSeq, type: kind.rawValue, ts: now, taskID: record.question.taskID, agentID: record.agentID, data: record.json)
        effects.events.append(event)
        effects.writes.append(.appendEvent(event))
    }
}

extension ApprovalRecord {
    /// The `approval_decision` message's payload: `{"ref","approval_id","task_id","attempt",
    /// "decision","reason","decided_by","choice"}`.
    public func decisionPayload(ref: String) -> JSONValue {
        [
            "ref": .string(ref),
            "approval_id": .string(id),
            "task_id": question.taskID.map(JSONValue.string) ?? .null,
            "attempt": question.attempt.map { .int(Int64($0)) } ?? .null,
            "decision": .string(state == .allowed ? "allow" : "deny"),
            "reason": reason.map(JSONValue.string) ?? .null,
            "decided_by": decidedBy.map { .string($0.rawValue) } ?? .null,
            "choice": choice.map(JSONValue.string) ?? .null,
        ]
    }
}
