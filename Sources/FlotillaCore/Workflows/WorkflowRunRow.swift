/// One run of a workflow as stored (`workflow_runs` table). The runtime owns `state`: the JSON
/// of the planner's `WorkflowRunState` plus its own bookkeeping (task ids, times).
public struct WorkflowRunRow: Sendable, Hashable {
    public var id: String
    public var workflow: String
    public var file: String
    /// The definition the run was started with: a later `apply` does not change a running run.
    public var source: String
    /// `running`, `succeeded`, `failed` or `cancelled` (``WorkflowRunStatus``).
    public var status: String
    /// `manual`, `event`, `schedule`, `mqtt` or `webhook`.
    public var triggerKind: String
    /// Makes starting a run idempotent (`github:<workflow>:<delivery>`, `schedule:…`): globally
    /// unique, nil for runs started by hand.
    public var triggerKey: String?
    public var state: String
    /// Steps' stored JSON to write with the row, by step id (inserted or replaced in
    /// `workflow_run_steps`): a round saves the steps it changed, not the whole run. Reads leave
    /// it empty and put every step into `state` (`{…,"steps":{id: step…}}`).
    public var stepStates: [String: String] = [:]
    /// The run this one reruns.
    public var rerunOf: String?
    public var cancelReason: String?
    public var createdAt: Double
    public var updatedAt: Double
    public var endedAt: Double?

    public init(
        id: String, workflow: String, file: String, source: String, status: String, triggerKind: String, triggerKey: String?,
        state: String, rerunOf: String? = nil, cancelReason: String? = nil, createdAt: Double, updatedAt: Double, endedAt: Double? = nil
    ) {
        self.id = id
        self.workflow = workflow
        self.file = file
        self.source = source
        self.status = status
        self.triggerKind = triggerKind
        self.triggerKey = triggerKey
        self.state = state
        self.rerunOf = rerunOf
        self.cancelReason = cancelReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.endedAt = endedAt
    }
}

/// Where a run stands.
public enum WorkflowRunStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case running, succeeded, failed, cancelled

    /// Whether the run has ended.
    public var isFinal: Bool { self != .running }
}
