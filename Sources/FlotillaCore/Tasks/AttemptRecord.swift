/// One hand-out of a task to an agent. `(taskID, number)` is the fencing token every report
/// must carry; only the current attempt's reports are accepted.
public struct AttemptRecord: Sendable, Hashable {
    /// How an attempt ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case succeeded, failed
        case leaseExpired = "lease_expired"
        case timeout
        case cancelled
        /// The agent handed it back unfinished (draining); does not count as a failure.
        case released
    }

    public var taskID: String
    public var number: Int
    public var agentID: String
    public var startedAt: Double
    public var endedAt: Double?
    public var outcome: Outcome?
    public var error: String?

    public init(taskID: String, number: Int, agentID: String, startedAt: Double, endedAt: Double? = nil, outcome: Outcome? = nil, error: String? = nil) {
        self.taskID = taskID
        self.number = number
        self.agentID = agentID
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.error = error
    }
}
