import FlotillaCore
import FlotillaStore

/// A real SQLite store seen only through the asynchronous `Store` protocol: it hides
/// `SynchronousStore`, so the commit queue drives it as it would a networked database (a task
/// awaiting each batch's commit) instead of from its commit thread. Every call reaches SQLite.
struct AwaitingStore: Store {
    let sqlite: SQLiteStore

    func commit(_ writes: [StoreWrite]) async throws { try await sqlite.commit(writes) }
    func probe() async throws { try await sqlite.probe() }
    func loadSnapshot() async throws -> StoreSnapshot { try await sqlite.loadSnapshot() }
    func task(id: String) async throws -> TaskRecord? { try await sqlite.task(id: id) }
    func attempts(taskID: String) async throws -> [AttemptRecord] { try await sqlite.attempts(taskID: taskID) }
    func tasks(_ query: TaskQuery) async throws -> [TaskRecord] { try await sqlite.tasks(query) }
    func taskStates(ids: [String]) async throws -> [String: TaskState] { try await sqlite.taskStates(ids: ids) }
    func taskResults(ids: [String]) async throws -> [String: JSONValue] { try await sqlite.taskResults(ids: ids) }
    func task(idempotencyKey: String) async throws -> TaskRecord? { try await sqlite.task(idempotencyKey: idempotencyKey) }
    func events(after seq: Int64, limit: Int) async throws -> [EventRecord] { try await sqlite.events(after: seq, limit: limit) }
    func events(after seq: Int64, limit: Int, goal: String) async throws -> [EventRecord] { try await sqlite.events(after: seq, limit: limit, goal: goal) }
    func agents() async throws -> [AgentRecord] { try await sqlite.agents() }
    func attempts(agentID: String, limit: Int) async throws -> [AgentAttempt] { try await sqlite.attempts(agentID: agentID, limit: limit) }
    func graph(_ query: GraphQuery) async throws -> TaskGraph? { try await sqlite.graph(query) }
    func insertToken(_ token: TokenRow) async throws { try await sqlite.insertToken(token) }
    func tokens() async throws -> [TokenRow] { try await sqlite.tokens() }
    func revokeToken(id: String, at: Double) async throws -> Bool { try await sqlite.revokeToken(id: id, at: at) }
    func browserSessions() async throws -> [BrowserSessionRow] { try await sqlite.browserSessions() }
    func insertBrowserSession(_ session: BrowserSessionRow) async throws { try await sqlite.insertBrowserSession(session) }
    func deleteBrowserSessions(_ selection: BrowserSessionRow.Selection) async throws { try await sqlite.deleteBrowserSessions(selection) }
    func workflows() async throws -> [WorkflowRow] { try await sqlite.workflows() }
    func workflow(name: String) async throws -> WorkflowRow? { try await sqlite.workflow(name: name) }
    func workflowRuns(_ query: WorkflowRunQuery) async throws -> [WorkflowRunRow] { try await sqlite.workflowRuns(query) }
    func workflowRun(id: String) async throws -> WorkflowRunRow? { try await sqlite.workflowRun(id: id) }
    func workflowRun(triggerKey: String) async throws -> WorkflowRunRow? { try await sqlite.workflowRun(triggerKey: triggerKey) }
    func activeWorkflowRuns() async throws -> [WorkflowRunRow] { try await sqlite.activeWorkflowRuns() }
    func latestTriggerKey(workflow: String, prefix: String) async throws -> String? { try await sqlite.latestTriggerKey(workflow: workflow, prefix: prefix) }
    func workflowRunCounts() async throws -> [String: [WorkflowRunStatus: Int]] { try await sqlite.workflowRunCounts() }
    func prune(_ cutoffs: RetentionCutoffs, batch: Int) async throws -> PruneCount { try await sqlite.prune(cutoffs, batch: batch) }
    func costs(_ query: CostQuery) async throws -> CostReport { try await sqlite.costs(query) }
    func notificationDeliveries(_ query: NotificationQuery) async throws -> [NotificationDelivery] { try await sqlite.notificationDeliveries(query) }
    func existingNotificationKeys(_ keys: [String]) async throws -> Set<String> { try await sqlite.existingNotificationKeys(keys) }
    func notificationResume(since: Double) async throws -> NotificationResume { try await sqlite.notificationResume(since: since) }
    func taskCost(id: String) async throws -> CostTotal? { try await sqlite.taskCost(id: id) }
    func goalCosts(ids: [String]) async throws -> [String: CostTotal] { try await sqlite.goalCosts(ids: ids) }
    func approvals(_ query: ApprovalQuery) async throws -> [ApprovalRecord] { try await sqlite.approvals(query) }
    func approval(id: String) async throws -> ApprovalRecord? { try await sqlite.approval(id: id) }
    func goals(_ query: GoalQuery) async throws -> [GoalRecord] { try await sqlite.goals(query) }
    func goal(id: String) async throws -> GoalRecord? { try await sqlite.goal(id: id) }
    func autonomyFindings(limit: Int) async throws -> [AutonomyFindingRecord] { try await sqlite.autonomyFindings(limit: limit) }
    func activeGoals() async throws -> [GoalRecord] { try await sqlite.activeGoals() }
}
