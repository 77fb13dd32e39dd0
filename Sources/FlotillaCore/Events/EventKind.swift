/// Every kind of event the hub records. The raw value is the event's `type` as it is stored,
/// streamed (`GET /api/events`) and published on MQTT; the kinds are documented in docs/api.md
/// ("Event types") and are never renamed. ``EventRecord/type`` stays a string: that is the
/// stored and wire form, which clients filter by prefix (`task.`, `agent.`).
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    // A task entered a state (``TaskState/eventKind``) or reported progress.
    case taskBlocked = "task.blocked"
    case taskQueued = "task.queued"
    case taskAssigned = "task.assigned"
    case taskRunning = "task.running"
    case taskProgress = "task.progress"
    case taskSucceeded = "task.succeeded"
    case taskFailed = "task.failed"
    case taskDead = "task.dead"
    case taskCancelled = "task.cancelled"
    case taskExpired = "task.expired"

    // The scheduler's agents: their connections and states.
    case agentOnline = "agent.online"
    case agentOffline = "agent.offline"
    case agentStateChange = "agent.state_change"

    // Agents watched in tmux panes (`flotilla hub --watch-panes`).
    case agentScreenState = "agent.screen_state"
    case agentProgress = "agent.progress"
    case agentStuck = "agent.stuck"
    case agentError = "agent.error"
    case agentComplete = "agent.complete"
    case agentCommandSent = "agent.command_sent"
    case agentCommandFailed = "agent.command_failed"
    case agentApproval = "agent.approval"
    case agentKilled = "agent.killed"
    /// A watched agent's pane command was started again through the API.
    case agentRestarted = "agent.restarted"

    // Workflow runs (FlotillaEngine/Workflows) and their steps: `data` carries `run_id`,
    // `workflow` and, for step events, `step` (docs/api.md).
    case workflowStarted = "workflow.started"
    case workflowSucceeded = "workflow.succeeded"
    case workflowFailed = "workflow.failed"
    case workflowCancelled = "workflow.cancelled"
    case stepStarted = "step.started"
    case stepSucceeded = "step.succeeded"
    case stepFailed = "step.failed"
    case stepSkipped = "step.skipped"
    case stepCancelled = "step.cancelled"
    // Budgets (Scheduler+costs.swift): 80 % and 100 % of one, once per budget per period.
    case budgetWarning = "budget.warning"
    case budgetExceeded = "budget.exceeded"
    // Approvals (FlotillaEngine/Approvals): `data` is the request's record JSON.
    case approvalRequested = "approval.requested"
    case approvalDecided = "approval.decided"
    // The goals' merge queue (FlotillaGoals/MergeQueue): a step's branch merged onto the goal
    // branch, `data` = {goal_id, step, task_id, commit}; a fix task asked for a step whose merge
    // conflicted or failed the verify commands, {goal_id, step, task_id, fix_task_id, reason}.
    case goalStepMerged = "goal.step_merged"
    case goalFixRequested = "goal.fix_requested"
    // Goals (FlotillaEngine/Goals): every state change, `data` = {goal_id, from, to, reason, goal}
    // (`from` null when the goal is added).
    case goalStateChanged = "goal.state_changed"
    // Goal publication (FlotillaGoals/GoalPublisher): the final diff's review, `data` =
    // {goal_id, tier, reasons, secrets, blocked, pr_url}.
    case goalReviewed = "goal.reviewed"
    // A goal's clone and worktrees under `<data dir>/goals/<id>` removed (FlotillaGoals/
    // Workspaces, GoalCleanup): `data` = {goal_id, path, bytes, reason}.
    case goalWorkspaceRemoved = "goal.workspace_removed"
    // The hub's own initiative (FlotillaGoals/Autonomy): `{from, to}` and `{decision, reason, goal_id?, fingerprint?}`.
    case autonomyStateChanged = "autonomy.state_changed"
    case autonomyDecision = "autonomy.decision"

    /// The prefix of every task event's type; the others start with `agent.`.
    public static let taskPrefix = "task."

    /// Whether the event is about a task (`task.*`) rather than an agent (`agent.*`).
    public var isTaskEvent: Bool { rawValue.hasPrefix(Self.taskPrefix) }

    /// The name after the prefix: `succeeded` for `task.succeeded`.
    public var name: Substring { rawValue.drop { $0 != "." }.dropFirst() }
}

extension EventRecord {
    /// The event's kind; nil only for a type no version of the hub records.
    public var kind: EventKind? { EventKind(rawValue: type) }
}
