/// How long the hub keeps what is over: finished tasks (with their attempts), events, and
/// agents that went offline. The hub's maintenance deletes older ones in small batches.
public struct RetentionPolicy: Sendable, Hashable {
    /// Age in seconds after which a finished task, an event or an offline agent is deleted.
    /// Default 30 days.
    public var maxAge: Double
    /// Seconds between passes. Default 1 hour.
    public var interval: Double
    /// Rows of each kind deleted per transaction. Default 500: a short transaction, so commits
    /// queued behind it wait milliseconds.
    public var batchSize: Int
    /// Pause between two batches of one pass, in seconds, so commits get the writer. Default 0.05.
    public var pause: Double

    public init(maxAge: Double = 30 * 86_400, interval: Double = 3_600, batchSize: Int = 500, pause: Double = 0.05) {
        self.maxAge = maxAge
        self.interval = interval
        self.batchSize = batchSize
        self.pause = pause
    }
}

/// What one retention batch or pass deleted.
public struct PruneCount: Sendable, Hashable {
    public var tasks: Int
    public var events: Int
    public var agents: Int
    /// The tasks deleted (their output files go too).
    public var taskIDs: [String]

    public init(tasks: Int = 0, events: Int = 0, agents: Int = 0, taskIDs: [String] = []) {
        self.tasks = tasks
        self.events = events
        self.agents = agents
        self.taskIDs = taskIDs
    }

    public static func + (lhs: PruneCount, rhs: PruneCount) -> PruneCount {
        PruneCount(tasks: lhs.tasks + rhs.tasks, events: lhs.events + rhs.events, agents: lhs.agents + rhs.agents, taskIDs: lhs.taskIDs + rhs.taskIDs)
    }
}

extension Scheduler {
    /// Forgets agents that are offline, hold nothing and were last seen before `cutoff`;
    /// returns their ids. (Their store rows go in the same retention pass.)
    public mutating func forgetAgents(offlineBefore cutoff: Double) -> [String] {
        let gone = agents.filter { $0.value.connection == nil && $0.value.held.isEmpty && $0.value.lastSeen < cutoff }.map(\.key).sorted()
        for id in gone { agents.removeValue(forKey: id) }
        return gone
    }
}
