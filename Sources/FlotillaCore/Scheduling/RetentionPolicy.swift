/// How long the hub keeps what is over: finished tasks (with their attempts), events, agents
/// that went offline, ended notification deliveries, finished workflow runs, decided approvals,
/// final goals and the initiative's finished findings. The hub's maintenance deletes older ones
/// in small batches. The cost ledger is never deleted: it is the money record.
public struct RetentionPolicy: Sendable, Hashable {
    /// Age in seconds after which what is over is deleted. Default 30 days.
    public var maxAge: Double
    /// Seconds between passes. Default 1 hour.
    public var interval: Double
    /// Rows of each kind deleted per transaction. Default 500: a short transaction, so commits
    /// queued behind it wait milliseconds.
    public var batchSize: Int
    /// Pause between two batches of one pass, in seconds, so commits get the writer. Default 0.05.
    public var pause: Double
    /// The initiative's cooldown (``AutonomyPolicy/cooldown``): a finished (`done`/`failed`)
    /// finding is kept at least this long after it ended, since until then its row is what
    /// stops the hub proposing it again. Default 30 days.
    public var findingCooldown: Double

    public init(maxAge: Double = 30 * 86_400, interval: Double = 3_600, batchSize: Int = 500, pause: Double = 0.05, findingCooldown: Double = AutonomyPolicy.defaultCooldown) {
        self.maxAge = maxAge
        self.interval = interval
        self.batchSize = batchSize
        self.pause = pause
        self.findingCooldown = findingCooldown
    }

    /// What a pass at `now` deletes before: rows older than `maxAge`; findings older than both
    /// `maxAge` and the cooldown (so retention never makes a finding proposable sooner).
    public func cutoffs(now: Double) -> RetentionCutoffs {
        let rows = now - maxAge
        return RetentionCutoffs(rows: rows, findings: min(rows, now - findingCooldown))
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
