import DequeModule

/// The hub's scheduling state machine: tasks in flight, lanes, agents, leases, dependencies.
///
/// It does no I/O. Every operation mutates memory and records what must follow in
/// ``Effects``: rows to write, events to publish, messages for agents. The hub commits the
/// writes and only then delivers the rest, so nothing is seen outside before it is durable.
/// Final tasks leave memory; the store keeps them.
public struct Scheduler: Sendable {
    /// What one or more operations require of the outside world.
    public struct Effects: Sendable {
        public var writes: [StoreWrite] = []
        public var events: [EventRecord] = []
        public var outbound: [Outbound] = []
        /// Tasks that reached a final state (wakes waiters).
        public var finished: [TaskRecord] = []
        /// Approval requests decided (wakes their waiters and observers).
        public var decidedApprovals: [ApprovalRecord] = []

        public init() {}
        public var isEmpty: Bool { writes.isEmpty && outbound.isEmpty && finished.isEmpty && decidedApprovals.isEmpty }
    }

    /// A message for the agent on a given connection, sent after the commit.
    public struct Outbound: Sendable {
        public var connection: Int
        public var envelope: Envelope
    }

    public var policy: SchedulerPolicy
    public internal(set) var tasks: [String: TaskRecord] = [:]
    public internal(set) var agents: [String: AgentSlot] = [:]
    public internal(set) var lanes: ReadyLanes
    /// Current attempt of each held task.
    var attempts: [String: AttemptRecord] = [:]
    /// blocked task → dependencies not yet succeeded.
    var waitingOn: [String: Set<String>] = [:]
    /// dependency → blocked tasks waiting on it.
    var dependents: [String: Set<String>] = [:]
    /// Failed tasks waiting for their backoff to end.
    var retrying: Set<String> = []
    /// Tasks with a TTL not yet handed out → when they expire (see Scheduler+expiry.swift).
    var expiring: [String: Double] = [:]
    var idempotency: [String: String] = [:]
    /// Recently finished tasks: id → (attempt, agent, state), for duplicate reports.
    var recentFinished: [String: (attempt: Int, agentID: String?, state: TaskState, idempotencyKey: String?)] = [:]
    var recentOrder: Deque<String> = []
    public internal(set) var counts = TaskStateCounts()
    public internal(set) var lastSeq: Int64 = 0
    public internal(set) var stats = CompletionStats()
    /// Attempts ended succeeded, failed or dead, per minute over the last hour (in memory only).
    public internal(set) var outcomes = OutcomeWindow()
    /// Successes since the last history sample (see Scheduler+history.swift).
    public internal(set) var sinceSample = IntervalCompletions()
    var effects = Effects()
    /// Wall clock minus monotonic clock at the last operation (see Scheduler+clock.swift).
    var clockOffset: Double?
    /// Progress writes per held task: when the last went out, and which have a newer one
    /// waiting (see Scheduler+progress.swift).
    var progressWrittenAt: [String: Double] = [:]
    var progressPending: Set<String> = []
    let ids: IDGenerator
    var nextConnection = 0
    /// Spending and budgets (Scheduler+costs.swift).
    public internal(set) var ledger = CostLedger()
    /// Queued tasks a spent budget holds out of their lanes (Scheduler+costs.swift).
    var budgetHeld: Set<String> = []
    /// Held tasks' file sets and the queued tasks they hold back (Scheduler+files.swift).
    var fileClaims = FileClaims()
    /// Approval requests waiting for a decision, and the rules and timeout that decide them
    /// (Scheduler+approvals.swift).
    var pendingApprovals: [String: ApprovalRecord] = [:]
    public var approvalPolicy = ApprovalPolicy.standard

    public init(policy: SchedulerPolicy = SchedulerPolicy(), ids: IDGenerator = IDGenerator()) {
        self.policy = policy
        self.ids = ids
        self.lanes = ReadyLanes(agingInterval: policy.agingInterval)
    }

    /// Returns and clears the effects gathered so far.
    public mutating func takeEffects() -> Effects {
        defer { effects = Effects() }
        return effects
    }

    /// A fresh connection number for a newly opened agent socket.
    public mutating func openConnection() -> Int {
        nextConnection += 1
        return nextConnection
    }

    // MARK: restart

    /// Rebuilds memory from what the store holds (after a start or a crash).
    ///
    /// Held attempts keep their agent and get a fresh lease, so an agent that reconnects in time
    /// carries on; otherwise the lease runs out and the task retries.
    public mutating func restore(_ snapshot: StoreSnapshot, now: Double) {
        lastSeq = snapshot.lastEventSeq
        counts = TaskStateCounts(snapshot.stateCounts)
        for record in snapshot.agents {
            var slot = AgentSlot(registration: record.registration, connection: nil, now: record.connectedAt)
            slot.lastSeen = record.lastSeen
            if let outcomes = snapshot.agentOutcomes[record.registration.id] {
                (slot.completed, slot.failed) = outcomes
            }
            agents[record.registration.id] = slot
        }
        let activeIDs = Set(snapshot.activeTasks.map(\.id))
        let sorted = snapshot.activeTasks.sorted { ($0.queuedAt ?? $0.createdAt, $0.id) < ($1.queuedAt ?? $1.createdAt, $1.id) }
        for var task in sorted {
            if let key = task.spec.idempotencyKey { idempotency[key] = task.id }
            switch task.state {
            case .queued:
                lanes.push(task.id, lane: LaneKey(spec: task.spec), queuedAt: task.queuedAt ?? task.createdAt)
            case .blocked:
                // Dependencies not in flight finished; one that failed would have cancelled this
                // task in the same commit, so they succeeded.
                let open = Set(task.spec.dependsOn.filter(activeIDs.contains))
                if open.isEmpty {
                    enqueue(&task, now: now)
                } else {
                    waitingOn[task.id] = open
                    for dependency in open { dependents[dependency, default: []].insert(task.id) }
                }
            case .assigned, .running:
                task.leaseExpiresAt = now + policy.leaseDuration
                let agentID = task.agentID ?? "unknown"
                if agents[agentID] == nil {
                    agents[agentID] = AgentSlot(registration: AgentRegistration(id: agentID, roles: [task.spec.role]), connection: nil, now: now)
                }
                agents[agentID]!.held.insert(task.id)
                if task.state == .running { agents[agentID]!.running.insert(task.id) }
                restoreFileClaim(task)
                attempts[task.id] = AttemptRecord(taskID: task.id, number: task.attempt, agentID: agentID, startedAt: task.startedAt ?? now)
            case .failed:
                retrying.insert(task.id)
            case .succeeded, .dead, .cancelled, .expired:
                continue
            }
            tasks[task.id] = task
            armExpiry(task)
        }
        restoreLedger(snapshot.usage, now: now)
        for record in snapshot.pendingApprovals { pendingApprovals[record.id] = record }
        // A TTL that ran out while the hub was down ends the task now.
        expireOverdue(now: now)
    }

    // MARK: helpers shared by the operations

    mutating func emit(_ kind: EventKind, task: TaskRecord? = nil, agentID: String? = nil, data: [String: JSONValue] = [:], now: Double) {
        lastSeq += 1
        let event = EventRecord(seq: lastSeq, type: kind.rawValue, ts: now, taskID: task?.id, agentID: agentID ?? task?.agentID, task: task.map(EventRecord.TaskFields.init), details: data)
        effects.events.append(event)
        effects.writes.append(.appendEvent(event))
    }

    /// Moves a task to a new state, keeping counts, and records the write and the event.
    mutating func move(_ task: inout TaskRecord, to state: TaskState, now: Double, data: [String: JSONValue] = [:], insert: Bool = false) {
        if !insert { counts[task.state] -= 1 }
        counts[state] += 1
        task.state = state
        task.updatedAt = now
        effects.writes.append(insert ? .insertTask(task) : .updateTask(task))
        emit(state.eventKind, task: task, data: data, now: now)
        outcomes.record(state, at: now)
        if state.isFinal {
            tasks.removeValue(forKey: task.id)
            if !ledger.taskSpent.isEmpty { ledger.taskSpent.removeValue(forKey: task.id) }
            remember(task)
            effects.finished.append(task)
        } else {
            tasks[task.id] = task
        }
    }

    mutating func remember(_ task: TaskRecord) {
        if recentFinished[task.id] == nil { recentOrder.append(task.id) }
        recentFinished[task.id] = (task.attempt, task.agentID, task.state, task.spec.idempotencyKey)
        while recentOrder.count > policy.recentFinishedLimit, let oldest = recentOrder.popFirst() {
            // Its idempotency key goes with it: the store answers for finished tasks, and the
            // map would otherwise grow with every keyed task ever submitted.
            if let forgotten = recentFinished.removeValue(forKey: oldest), let key = forgotten.idempotencyKey, idempotency[key] == oldest {
                idempotency.removeValue(forKey: key)
            }
        }
    }

    mutating func enqueue(_ task: inout TaskRecord, now: Double, data: [String: JSONValue] = [:], insert: Bool = false) {
        task.queuedAt = now
        task.retryAt = nil
        lanes.push(task.id, lane: LaneKey(spec: task.spec), queuedAt: now)
        move(&task, to: .queued, now: now, data: data, insert: insert)
    }

    /// Announces an agent's state when it changed since the last announcement.
    mutating func announce(_ agentID: String, now: Double) {
        guard var slot = agents[agentID] else { return }
        let state = slot.state
        guard state != slot.announced else { return }
        let previous = slot.announced
        slot.announced = state
        agents[agentID] = slot
        emit(.agentStateChange, agentID: agentID, data: ["from": .string(previous.rawValue), "to": .string(state.rawValue)], now: now)
    }

    public func agent(_ id: String) -> AgentSlot? { agents[id] }
    public func task(_ id: String) -> TaskRecord? { tasks[id] }

    /// The current attempt of a held task.
    public func currentAttempt(_ taskID: String) -> AttemptRecord? { attempts[taskID] }

    public mutating func completionRate(now: Double) -> Double { stats.perSecond(now: now) }
}

extension Scheduler {
    /// The task that owns an idempotency key, when this process has seen it.
    public func taskID(forIdempotencyKey key: String) -> String? { idempotency[key] }
}
