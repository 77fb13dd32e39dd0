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
}
