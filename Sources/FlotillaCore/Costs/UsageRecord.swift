/// One attempt's line in the cost ledger (the store's `attempt_usage` row): what it has spent
/// so far and who spent it. Streamed `usage` deltas add to it; the attempt's final report
/// replaces it with the final cost (``isFinal``), so what was streamed is never counted twice.
public struct UsageRecord: Sendable, Hashable {
    public var taskID: String
    public var attempt: Int
    public var agentID: String
    public var role: String
    public var type: String
    /// The goal the task serves (issue 25); nil until goals exist.
    public var goal: String?
    public var model: String?
    public var executor: String?
    /// The UTC day it was first recorded on, `YYYY-MM-DD`.
    public var day: String
    /// When it was last recorded (seconds since the epoch).
    public var recordedAt: Double
    public var usage: Usage
    /// Whether the final report set it (no more deltas come).
    public var isFinal: Bool

    public init(taskID: String, attempt: Int, agentID: String, role: String, type: String, goal: String? = nil, model: String? = nil, executor: String? = nil, day: String, recordedAt: Double, usage: Usage = .zero, isFinal: Bool = false) {
        self.taskID = taskID
        self.attempt = attempt
        self.agentID = agentID
        self.role = role
        self.type = type
        self.goal = goal
        self.model = model
        self.executor = executor
        self.day = day
        self.recordedAt = recordedAt
        self.usage = usage
        self.isFinal = isFinal
    }
}

/// UTC days, the period of day budgets and of `--by day` totals.
public enum UTCDay {
    /// Days since the epoch.
    public static func index(_ seconds: Double) -> Int { Int((seconds / 86_400).rounded(.down)) }

    /// `YYYY-MM-DD` of the day `seconds` falls in.
    public static func name(_ seconds: Double) -> String { String(Timestamp.iso8601(seconds).prefix(10)) }

    /// When the day after the one `seconds` falls in begins.
    public static func nextStart(after seconds: Double) -> Double { Double(index(seconds) + 1) * 86_400 }
}
