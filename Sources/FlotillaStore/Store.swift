public import FlotillaCore

/// Durable storage for tasks, attempts, events, agents and tokens.
///
/// The engine keeps live scheduling state in memory and writes every change through
/// ``commit(_:)``; nothing is acknowledged to anyone before that call returns. SQLite
/// (``SQLiteStore``) is the embedded default; docs/store.md says how a networked database
/// (PostgreSQL) implements the same protocol.
///
/// The engine is the only writer while it runs: the store never has to report changes it did
/// not make.
public protocol Store: Sendable {
    /// Commits one batch of writes: applies them in order, in one transaction, and returns once
    /// they are durable (a crash of the process can no longer lose them).
    ///
    /// The engine's commit queue relies on these guarantees:
    /// - Batches commit in the order the queue gives them. It hands over one batch at a time
    ///   and awaits it; while it waits, the next batch gathers (group commit). A store may
    ///   pipeline the statements within one call, never one batch past another.
    /// - A batch is atomic: all of its writes, or none.
    /// - A batch that throws changed nothing. The queue then fails every batch queued behind
    ///   it unwritten, the engine rebuilds its memory from ``loadSnapshot()`` and waits for
    ///   ``probe()`` before it takes changes again.
    func commit(_ writes: [StoreWrite]) async throws

    /// Checks that the store takes writes again after a failed commit (a small real write, and
    /// room to grow); throws the reason when it does not.
    func probe() async throws

    /// Everything the scheduler needs to rebuild its memory after a start, read consistently.
    func loadSnapshot() async throws -> StoreSnapshot

    func task(id: String) async throws -> TaskRecord?
    func attempts(taskID: String) async throws -> [AttemptRecord]
    func tasks(_ query: TaskQuery) async throws -> [TaskRecord]
    /// States of the given tasks (ids not found are absent).
    func taskStates(ids: [String]) async throws -> [String: TaskState]
    /// Results of the given tasks, in one read (ids not found, or without a result, are absent):
    /// an ended workflow run's view fills in its steps' results with it.
    func taskResults(ids: [String]) async throws -> [String: JSONValue]
    func task(idempotencyKey: String) async throws -> TaskRecord?
    /// Events with `seq > after`, oldest first.
    func events(after seq: Int64, limit: Int) async throws -> [EventRecord]
    func agents() async throws -> [AgentRecord]
    /// The attempts `agentID` ran, newest first (see Store+dashboard.swift).
    func attempts(agentID: String, limit: Int) async throws -> [AgentAttempt]
    /// The graph of `depends_on`: a task's connected component, or the newest tasks with edges.
    func graph(_ query: GraphQuery) async throws -> TaskGraph?

    func insertToken(_ token: TokenRow) async throws
    func tokens() async throws -> [TokenRow]
    /// Marks a token revoked; returns false when no such token exists.
    func revokeToken(id: String, at: Double) async throws -> Bool

    /// The dashboard's browser sessions, read once at start (the engine keeps them in memory).
    func browserSessions() async throws -> [BrowserSessionRow]
    func insertBrowserSession(_ session: BrowserSessionRow) async throws
    func deleteBrowserSessions(_ selection: BrowserSessionRow.Selection) async throws

    /// Registered workflows, by name (Store+workflows: SQLiteStore+workflows.swift).
    func workflows() async throws -> [WorkflowRow]
    func workflow(name: String) async throws -> WorkflowRow?
    /// A page of workflow runs, newest first.
    func workflowRuns(_ query: WorkflowRunQuery) async throws -> [WorkflowRunRow]
    func workflowRun(id: String) async throws -> WorkflowRunRow?
    func workflowRun(triggerKey: String) async throws -> WorkflowRunRow?
    /// Runs not ended (`running`), oldest first: what the runtime reloads at start.
    func activeWorkflowRuns() async throws -> [WorkflowRunRow]
    /// The newest run's trigger_key among `workflow`'s runs that starts with `prefix` (a
    /// schedule's last slot, for its catch-up after downtime).
    func latestTriggerKey(workflow: String, prefix: String) async throws -> String?
    /// Runs per workflow and status.
    func workflowRunCounts() async throws -> [String: [WorkflowRunStatus: Int]]

    /// One retention batch: deletes up to `batch` finished tasks and events older than
    /// `cutoff` (and offline agents last seen before it); see SQLiteStore+retention.swift.
    func prune(before cutoff: Double, batch: Int) async throws -> PruneCount

    /// Cost ledger totals grouped as asked (SQLiteStore+costs.swift).
    func costs(_ query: CostQuery) async throws -> CostReport
    /// What one task's attempts spent, from the ledger (nil: nothing recorded).
    func taskCost(id: String) async throws -> CostTotal?
    /// What each of these goals' tasks spent, by goal id (goals without a line are absent).
    func goalCosts(ids: [String]) async throws -> [String: CostTotal]

    /// Approval requests, newest first (SQLiteStore+approvals.swift).
    func approvals(_ query: ApprovalQuery) async throws -> [ApprovalRecord]
    func approval(id: String) async throws -> ApprovalRecord?
    /// Notification deliveries, newest first (SQLiteStore+notifications.swift).
    func notificationDeliveries(_ query: NotificationQuery) async throws -> [NotificationDelivery]
    /// Which of these dedupe keys have a delivery row already.
    func existingNotificationKeys(_ keys: [String]) async throws -> Set<String>
    /// Where the notification service resumes: its cursor, due deliveries, recent ones.
    func notificationResume(since: Double) async throws -> NotificationResume
    /// A page of goals, newest first (SQLiteStore+goals.swift).
    func goals(_ query: GoalQuery) async throws -> [GoalRecord]
    func goal(id: String) async throws -> GoalRecord?
    /// Goals not in a final state, oldest first: what the engine holds in memory.
    func activeGoals() async throws -> [GoalRecord]
    /// The initiative's findings, most recently seen first, at most `limit` (SQLiteStore+autonomy.swift).
    func autonomyFindings(limit: Int) async throws -> [AutonomyFindingRecord]
}

/// A store that can also commit on the caller's thread, blocking it: the commit queue then runs
/// a thread of its own that calls ``commitSynchronously(_:)``, so a lone change costs one
/// wake-up to reach the disk instead of hops through the task pool (SQLite's fast path). Same
/// guarantees as ``Store/commit(_:)``.
public protocol SynchronousStore: Store {
    func commitSynchronously(_ writes: [StoreWrite]) throws
}

/// A page of tasks, newest first. `before` is the cursor: the last id of the previous page.
public struct TaskQuery: Sendable, Hashable {
    public var states: [TaskState]
    public var role: String?
    public var type: String?
    public var agentID: String?
    public var before: String?
    public var limit: Int
    /// A task id, or text the prompt contains (case-insensitive); `q` of `GET /api/tasks`.
    public var text: String?

    public init(states: [TaskState] = [], role: String? = nil, type: String? = nil, agentID: String? = nil, before: String? = nil, limit: Int = 100, text: String? = nil) {
        self.text = text
        self.states = states
        self.role = role
        self.type = type
        self.agentID = agentID
        self.before = before
        self.limit = limit
    }
}

/// An API token. Only the SHA-256 of its secret is stored.
public struct TokenRow: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable, Codable {
        /// Everything.
        case admin
        /// May connect to `/ws`, register and report on its own attempts; nothing else.
        case agent
        /// Reads the API (tasks, agents, stats, events, watched output), changes nothing.
        case viewer
        /// What a viewer may, plus submit, cancel and retry tasks.
        case submitter
    }

    public var id: String
    public var name: String
    public var scope: Scope
    /// For agent tokens: the only role the agent may register with (nil: any).
    public var role: String?
    /// For agent tokens: the only agent id it may register as (nil: any).
    public var agentID: String?
    public var secretHash: String
    public var createdAt: Double
    public var revokedAt: Double?

    public init(id: String, name: String, scope: Scope, role: String?, agentID: String? = nil, secretHash: String, createdAt: Double, revokedAt: Double? = nil) {
        self.id = id
        self.name = name
        self.scope = scope
        self.role = role
        self.agentID = agentID
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
