extension Scheduler {
    /// Registers (or re-registers) an agent on a connection.
    ///
    /// Tasks the agent already held stay its own: the `registered` reply lists them so a
    /// reconnecting agent can keep reporting on them. A previous live connection for the same
    /// id is superseded; the returned number names it so the hub can close it.
    ///
    /// - Parameter holder: the credential (token id) the session speaks for; check
    ///   ``takeoverRefusal(of:connection:holder:)`` first.
    public mutating func register(_ registration: AgentRegistration, connection: Int, holder: String? = nil, now: Double) -> (held: [(taskID: String, attempt: Int)], superseded: Int?) {
        var slot = agents[registration.id] ?? AgentSlot(registration: registration, connection: connection, now: now)
        let superseded = slot.connection.flatMap { $0 == connection ? nil : $0 }
        let wasOnline = agents[registration.id]?.connection != nil
        slot.registration = registration
        slot.connection = connection
        slot.holder = holder
        slot.accepting = false
        slot.draining = false
        slot.connectedAt = now
        slot.lastSeen = now
        slot.announced = slot.state
        agents[registration.id] = slot
        for taskID in slot.held {
            tasks[taskID]?.leaseExpiresAt = now + policy.leaseDuration
        }
        effects.writes.append(.saveAgent(slot.record))
        if !wasOnline {
            emit(.agentOnline, agentID: registration.id, data: ["registration": registration.json], now: now)
        }
        let held = slot.held.sorted().compactMap { id in tasks[id].map { (id, $0.attempt) } }
        return (held, superseded)
    }

    /// Why a session holding `holder` may not register as `id` on `connection`, or nil when it
    /// may: an agent that is live on another connection under a different credential stays
    /// with that session. (A reconnect with the same token supersedes; an offline agent is
    /// taken over by whoever may register as it, e.g. the new token `flotilla up` minted.)
    public func takeoverRefusal(of id: String, connection: Int, holder: String?) -> FlotillaError? {
        guard let slot = agents[id], let live = slot.connection, live != connection, slot.holder != holder else { return nil }
        return FlotillaError(
            .agentInUse,
            "Agent '\(id)' is connected with another token; its session stays. Stop that agent first, or register under another id.",
            field: "agent_id"
        )
    }

    /// Whether `connection` is the live session of agent `id` (a superseded or refused
    /// connection is not: what it sends changes nothing).
    public func isSession(_ connection: Int, of id: String) -> Bool {
        agents[id]?.connection == connection
    }

    /// The agent takes work now. Returns false if it is not registered.
    public mutating func ready(agentID: String, now: Double) -> Bool {
        guard agents[agentID]?.connection != nil else { return false }
        agents[agentID]!.accepting = true
        agents[agentID]!.draining = false
        agents[agentID]!.pausedUntil = nil
        agents[agentID]!.lastSeen = now
        announce(agentID, now: now)
        pump(now: now)
        return true
    }

    /// The agent takes no new work; it finishes or releases what it holds.
    public mutating func drain(agentID: String, now: Double) -> Bool {
        guard agents[agentID]?.connection != nil else { return false }
        agents[agentID]!.draining = true
        announce(agentID, now: now)
        return true
    }

    /// A heartbeat renews the leases of everything the agent holds.
    public mutating func heartbeat(agentID: String, body: JSONValue?, now: Double) -> Bool {
        guard var slot = agents[agentID], slot.connection != nil else { return false }
        slot.lastSeen = now
        if let body { slot.heartbeat = body }
        agents[agentID] = slot
        // An agent that lists what it holds (`current_tasks`: "task#attempt") renews only those:
        // an assignment lost on the way (a connection or broker that died with it in flight) then
        // runs out its lease and is retried instead of being kept alive forever.
        let inHand = body?["current_tasks"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) }
        for taskID in slot.held {
            guard let attempt = tasks[taskID]?.attempt else { continue }
            if let inHand, !inHand.contains("\(taskID)#\(attempt)") { continue }
            tasks[taskID]?.leaseExpiresAt = now + policy.leaseDuration
        }
        return true
    }

    /// The connection closed. Held attempts keep running until their leases run out.
    public mutating func disconnect(connection: Int, now: Double) {
        guard let (id, slot) = agents.first(where: { $0.value.connection == connection }) else { return }
        var updated = slot
        updated.connection = nil
        updated.accepting = false
        updated.lastSeen = now
        agents[id] = updated
        effects.writes.append(.saveAgent(updated.record))
        emit(.agentOffline, agentID: id, data: ["held": .array(updated.held.sorted().map { .string($0) })], now: now)
        agents[id]!.announced = .offline
        cancelApprovals(agentID: id, now: now)
    }

    /// Hands queued work to agents with free slots until one side runs out. One task per agent
    /// per pass spreads work across agents.
    ///
    /// - Parameter freed: the one agent whose slot opened, when no task entered a lane since the
    ///   last pump. Every other free agent found nothing that fits then, so only it is tried.
    public mutating func pump(now: Double, freed: String? = nil) {
        guard lanes.count > 0 else { return }
        // Each agent's roles and capabilities as sets once per pump, not once per task.
        var candidates: [(id: String, roles: Set<String>, capabilities: Set<String>)]
        if let freed {
            guard let slot = agents[freed], slot.canTakeWork else { return }
            candidates = [(freed, Set(slot.registration.roles), Set(slot.registration.capabilities))]
        } else {
            candidates = agents.values.filter(\.canTakeWork)
                .map { (id: $0.registration.id, roles: Set($0.registration.roles), capabilities: Set($0.registration.capabilities)) }
                .sorted { $0.id < $1.id }
        }
        while !candidates.isEmpty, lanes.count > 0 {
            var stillFree: [(id: String, roles: Set<String>, capabilities: Set<String>)] = []
            for candidate in candidates {
                guard let taskID = nextDispatchable(roles: candidate.roles, capabilities: candidate.capabilities, now: now) else {
                    continue
                }
                assign(taskID, to: candidate.id, now: now)
                if agents[candidate.id]!.canTakeWork { stillFree.append(candidate) }
            }
            candidates = stillFree
        }
    }

    mutating func assign(_ taskID: String, to agentID: String, now: Double) {
        guard var task = tasks[taskID], let connection = agents[agentID]?.connection else { return }
        task.attempt += 1
        // Handed out: past its TTL's reach (Scheduler+expiry.swift).
        if !expiring.isEmpty { expiring.removeValue(forKey: taskID) }
        task.agentID = agentID
        task.startedAt = now
        task.leaseExpiresAt = now + policy.leaseDuration
        task.progress = nil
        task.progressMessage = nil
        let attempt = AttemptRecord(taskID: taskID, number: task.attempt, agentID: agentID, startedAt: now)
        // Stored when it ends: until then the task's row says all it holds (number, agent,
        // start), the API shows it from memory, and a restart rebuilds it from that row.
        attempts[taskID] = attempt
        agents[agentID]!.held.insert(taskID)
        move(&task, to: .assigned, now: now)
        announce(agentID, now: now)
        let envelope = Envelope(
            id: ids.next(now: now),
            type: .assignment,
            ts: Timestamp.iso8601(now),
            agentID: agentID,
            role: task.spec.role,
            body: .assignment(task: task, leaseSeconds: policy.leaseDuration),
            metadata: [
                "priority": .string(task.spec.priority.rawValue),
                "retry_count": .int(Int64(task.attempt - 1)),
                "ttl": policy.timeout(for: task.spec).map { .int(Int64($0)) } ?? .null,
            ]
        )
        effects.outbound.append(Outbound(connection: connection, envelope: envelope))
    }
}
