/// Timing rules of the scheduler. All durations are in seconds.
public struct SchedulerPolicy: Sendable, Hashable {
    /// How long an attempt stays with its agent without a heartbeat or progress. Default 30.
    public var leaseDuration: Double
    /// Waiting time that raises a queued task one priority step. Default 60.
    public var agingInterval: Double
    /// Delay between a failed attempt and the next one.
    public var backoff: Backoff
    /// How often agents are asked to heartbeat. Default 10.
    public var heartbeatInterval: Double
    /// How many finished tasks are remembered to recognise duplicate reports. Default 50,000.
    public var recentFinishedLimit: Int
    /// The time limit of an attempt whose task gives no `timeout_seconds` and whose role has
    /// none in ``roleTimeouts``; nil for none. Default 2 hours: heartbeats renew a lease, so
    /// without a limit a hung attempt would hold its agent for ever.
    public var defaultTimeout: Double? = SchedulerPolicy.defaultTaskTimeout
    /// Time limits per role, for tasks without `timeout_seconds` (the task's first role decides).
    public var roleTimeouts: [String: Double] = [:]
    /// A change of the wall clock against the monotonic clock of at least this many seconds
    /// between two operations is a clock step, not drift (see Scheduler+clock.swift).
    public var clockStepTolerance: Double = 1
    /// At most one stored progress update (task row and `task.progress` event) per attempt in
    /// this many seconds; the newest report in between wins, and the memory always has it.
    public var progressWriteInterval: Double = 1

    public static let defaultTaskTimeout: Double = 7200

    public init(
        leaseDuration: Double = 30,
        agingInterval: Double = 60,
        backoff: Backoff = Backoff(),
        heartbeatInterval: Double = 10,
        recentFinishedLimit: Int = 50_000
    ) {
        self.leaseDuration = leaseDuration
        self.agingInterval = agingInterval
        self.backoff = backoff
        self.heartbeatInterval = heartbeatInterval
        self.recentFinishedLimit = recentFinishedLimit
    }

    /// The heartbeat period agents are told to use: at most a third of the lease, so a short
    /// lease (`--lease-seconds 3`) is not lost between two heartbeats.
    public var agentHeartbeatInterval: Double {
        min(heartbeatInterval, leaseDuration / 3)
    }

    /// The time limit of an attempt of `spec`, in seconds: its own `timeout_seconds`, else its
    /// role's, else the hub's default; nil for none.
    public func timeout(for spec: TaskSpec) -> Double? {
        if let own = spec.timeoutSeconds { return Double(own) }
        if let role = spec.roles.first(where: { roleTimeouts[$0] != nil }) ?? (roleTimeouts[spec.role] != nil ? spec.role : nil) {
            return roleTimeouts[role]
        }
        return defaultTimeout
    }
}
