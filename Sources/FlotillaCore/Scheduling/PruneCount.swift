/// What one retention batch or pass deleted.
public struct PruneCount: Sendable, Hashable {
    public var tasks: Int
    public var events: Int
    public var agents: Int
    /// Ended notification deliveries.
    public var deliveries: Int
    /// Finished workflow runs (with their steps' rows).
    public var runs: Int
    /// Decided approval requests.
    public var approvals: Int
    /// Final goals.
    public var goals: Int
    /// The initiative's finished findings past their cooldown.
    public var findings: Int
    /// The tasks deleted (their output files go too).
    public var taskIDs: [String]
    /// The goals deleted (the engine forgets them in memory too).
    public var goalIDs: [String]

    public init(tasks: Int = 0, events: Int = 0, agents: Int = 0, deliveries: Int = 0, runs: Int = 0, approvals: Int = 0, goals: Int = 0, findings: Int = 0, taskIDs: [String] = [], goalIDs: [String] = []) {
        self.tasks = tasks
        self.events = events
        self.agents = agents
        self.deliveries = deliveries
        self.runs = runs
        self.approvals = approvals
        self.goals = goals
        self.findings = findings
        self.taskIDs = taskIDs
        self.goalIDs = goalIDs
    }

    /// Whether a kind filled its batch: another batch may find more.
    public func filled(_ batch: Int) -> Bool {
        [tasks, events, deliveries, runs, approvals, goals, findings].contains { $0 >= batch }
    }

    public static func + (lhs: PruneCount, rhs: PruneCount) -> PruneCount {
        PruneCount(
            tasks: lhs.tasks + rhs.tasks, events: lhs.events + rhs.events, agents: lhs.agents + rhs.agents,
            deliveries: lhs.deliveries + rhs.deliveries, runs: lhs.runs + rhs.runs, approvals: lhs.approvals + rhs.approvals,
            goals: lhs.goals + rhs.goals, findings: lhs.findings + rhs.findings,
            taskIDs: lhs.taskIDs + rhs.taskIDs, goalIDs: lhs.goalIDs + rhs.goalIDs
        )
    }
}
