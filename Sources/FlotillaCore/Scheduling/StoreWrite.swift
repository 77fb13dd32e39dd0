/// One change to persist.
public enum StoreWrite: Sendable {
    case insertTask(TaskRecord)
    case updateTask(TaskRecord)
    case saveAttempt(AttemptRecord)
    case appendEvent(EventRecord)
    case saveAgent(AgentRecord)
    /// Registers or replaces a workflow (FlotillaEngine/Workflows).
    case saveWorkflow(WorkflowRow)
    /// Unregisters a workflow; its runs stay.
    case deleteWorkflow(name: String)
    /// Inserts or replaces a workflow run (its state changes commit with its events).
    case saveWorkflowRun(WorkflowRunRow)
    /// An attempt's line of the cost ledger, inserted or replaced (`attempt_usage`).
    case saveUsage(UsageRecord)
    /// An approval request, inserted or replaced (`approvals`; its decision replaces it).
    case saveApproval(ApprovalRecord)
    /// A notification delivery, inserted or updated by its id (`notification_deliveries`;
    /// FlotillaHub/Notifications).
    case saveNotificationDelivery(NotificationDelivery)
    /// How far the notification service has read the event log: it resumes after this seq.
    case saveNotificationCursor(Int64)
    /// Inserts or replaces a goal (`goals`, issue 25); its state changes commit with their events.
    case saveGoal(GoalRecord)
    /// Inserts or replaces a finding of the hub's own initiative (`autonomy_findings`, by fingerprint).
    case saveAutonomyFinding(AutonomyFindingRecord)
}

/// An agent as persisted: its registration and when it was last seen.
public struct AgentRecord: Sendable, Hashable {
    public var registration: AgentRegistration
    public var state: AgentState
    public var connectedAt: Double
    public var lastSeen: Double

    public init(registration: AgentRegistration, state: AgentState, connectedAt: Double, lastSeen: Double) {
        self.registration = registration
        self.state = state
        self.connectedAt = connectedAt
        self.lastSeen = lastSeen
    }
}


/// What a hub loads at start.
public struct StoreSnapshot: Sendable {
    /// Every task not in a final state.
    public var activeTasks: [TaskRecord]
    /// Task count per state, final ones included.
    public var stateCounts: [TaskState: Int]
    public var lastEventSeq: Int64
    public var agents: [AgentRecord]
    /// Attempts each agent completed and failed (the counts `GET /api/agents` shows), from the
    /// attempt history, so a restart does not reset them.
    public var agentOutcomes: [String: (completed: Int, failed: Int)]
    /// The cost ledger's totals for today and its in-flight lines (Scheduler+costs.swift).
    public var usage = UsageSnapshot()
    /// Approval requests still waiting for a decision (Scheduler+approvals.swift).
    public var pendingApprovals: [ApprovalRecord] = []

    public init(activeTasks: [TaskRecord], stateCounts: [TaskState: Int], lastEventSeq: Int64, agents: [AgentRecord], agentOutcomes: [String: (completed: Int, failed: Int)] = [:]) {
        self.activeTasks = activeTasks
        self.stateCounts = stateCounts
        self.lastEventSeq = lastEventSeq
        self.agents = agents
        self.agentOutcomes = agentOutcomes
    }
}

