public import FlotillaCore

/// What the engine needs to know, whatever transport and store surround it. The hub fills it
/// from its own configuration (`HubConfiguration.engine`).
public struct EngineConfiguration: Sendable {
    /// Leases, aging and backoff.
    public var policy: SchedulerPolicy
    /// How often leases, timeouts and backoffs are checked, in seconds. Default 0.1.
    public var tickInterval: Double
    /// How long finished tasks, events and offline agents are kept. Default 30 days; nil keeps
    /// everything.
    public var retention: RetentionPolicy?
    /// Events an event subscriber may fall behind before it is cut off. Default 8,192.
    public var eventBufferSize: Int
    /// Reports and controls one agent connection may have awaiting commit before its reader
    /// must wait (``AgentSession/isSaturated``). Default 256.
    public var pendingCommitsPerConnection: Int
    /// Running attempts' output: memory per attempt, files, caps.
    public var output = OutputConfiguration()
    /// Seconds between two samples of the stats history (``Engine/history(samples:)``). Default 10.
    public var historyInterval: Double
    /// Samples the history keeps. Default 360 (an hour of 10-s samples).
    public var historyCapacity: Int
    /// Spending limits at start (`--budget-day`, `--budget-role`); `PUT /api/budgets` changes
    /// them live. Default: none.
    public var budgets = BudgetLimits()
    /// Approval rules and the timeout policy (`--approvals FILE`, the fleet file's
    /// `approvals:`). Default: no rules, 600 s, deny.
    public var approvals = ApprovalPolicy.standard

    public init(
        policy: SchedulerPolicy = SchedulerPolicy(),
        tickInterval: Double = 0.1,
        retention: RetentionPolicy? = RetentionPolicy(),
        eventBufferSize: Int = 8_192,
        pendingCommitsPerConnection: Int = 256,
        historyInterval: Double = 10,
        historyCapacity: Int = 360
    ) {
        self.historyInterval = historyInterval
        self.historyCapacity = historyCapacity
        self.policy = policy
        self.tickInterval = tickInterval
        self.retention = retention
        self.eventBufferSize = eventBufferSize
        self.pendingCommitsPerConnection = pendingCommitsPerConnection
    }
}
