import Foundation

/// The initiative's decisions, pure: the time is always given (the service reads it from its
/// injected clock), so tests drive it by hand.
public struct AutonomyPolicy: Sendable, Hashable {
    /// What its own goals may spend per UTC day, in US dollars (`--autonomy-budget`).
    public var dayBudgetUSD: Double
    /// Seconds between scans of the registered repositories (`--autonomy-scan-every`).
    public var scanEvery: Double
    /// Seconds a finished (done or failed) finding is not proposed again. Default 30 days.
    public var cooldown: Double
    /// Proposals at once, at most: goals proposed and not ended. Default 5.
    public var maxOpenProposals: Int

    public static let defaultBudgetUSD = 5.0
    public static let defaultScanEvery = 3_600.0
    public static let defaultCooldown = 30 * 86_400.0
    public static let scanEveryRange = 1.0...(30 * 86_400.0)

    public init(dayBudgetUSD: Double = AutonomyPolicy.defaultBudgetUSD, scanEvery: Double = AutonomyPolicy.defaultScanEvery, cooldown: Double = AutonomyPolicy.defaultCooldown, maxOpenProposals: Int = 5) {
        self.dayBudgetUSD = dayBudgetUSD
        self.scanEvery = scanEvery
        self.cooldown = cooldown
        self.maxOpenProposals = maxOpenProposals
    }

    // MARK: scanning

    /// A scan is due when none ran yet, or `scanEvery` has passed since the last.
    public func scanDue(lastScan: Double?, now: Double) -> Bool {
        guard let lastScan else { return true }
        return now >= lastScan + scanEvery
    }

    /// When the next scan is due.
    public func nextScan(lastScan: Double?, now: Double) -> Double {
        lastScan.map { $0 + scanEvery } ?? now
    }

    // MARK: proposing

    public enum Proposal: Sendable, Hashable {
        case propose
        case skip(String)
    }

    /// Whether `finding` may be proposed, given what is remembered of its fingerprint: never
    /// when rejected or already proposed, not within `cooldown` of its goal's end.
    public func proposal(for finding: AutonomyFinding, known: AutonomyFindingRecord?, now: Double) -> Proposal {
        guard let known else { return .propose }
        switch known.status {
        case .proposed:
            return .skip("already proposed as goal \(known.goalID ?? "?")")
        case .rejected:
            return .skip("rejected\(known.decidedAt.map { " at \(Timestamp.iso8601($0))" } ?? ""): never proposed again")
        case .done, .failed:
            let ended = known.decidedAt ?? known.lastSeen
            if now < ended + cooldown {
                return .skip("its goal ended \(known.status.rawValue) at \(Timestamp.iso8601(ended)); not again before \(Timestamp.iso8601(ended + cooldown))")
            }
            return .propose
        }
    }

    /// Whether a finding may skip the person: the repository allows low-risk proposals and a
    /// change limited to the finding's file would be tier `low` (docs or tests only). Failing
    /// tests and outdated dependencies never are (their fix is code or a manifest).
    public static func isLowRisk(_ finding: AutonomyFinding, classifier: RiskClassifier) -> Bool {
        guard finding.kind == .todo || finding.kind == .lint, var path = finding.location else { return false }
        if finding.kind == .todo, let colon = path.lastIndex(of: ":"), Int(path[path.index(after: colon)...]) != nil {
            path = String(path[..<colon])
        }
        let diff = UnifiedDiff(files: [DiffFile(oldPath: path, newPath: path)])
        return classifier.classify(diff).tier == .low
    }

    // MARK: starting

    public enum Start: Sendable, Hashable {
        case start
        case hold(String)
    }

    /// Whether one of its own (approved) goals may start: only when the task queue is idle and
    /// the day budget has room.
    public func start(approved: Bool, busyTasks: Int, spentToday: Double) -> Start {
        guard approved else { return .hold("its proposal waits for a person's approval") }
        guard busyTasks == 0 else { return .hold("the task queue is busy (\(busyTasks) task\(busyTasks == 1 ? "" : "s") not finished)") }
        guard spentToday < dayBudgetUSD else {
            return .hold("the day budget is spent: $\(Self.money(spentToday)) of $\(Self.money(dayBudgetUSD)) today")
        }
        return .start
    }

    // MARK: state

    /// What the hub is doing, by precedence: healing, executing (goals on their way or tasks in
    /// the queue), improving (scanning, or its own goals waiting to start with budget left),
    /// resting.
    public func state(healing: Bool, activeGoals: Int, busyTasks: Int, scanning: Bool, waitingProposals: Int, spentToday: Double) -> AutonomyState {
        if healing { return .healing }
        if activeGoals > 0 || busyTasks > 0 { return .executing }
        if spentToday >= dayBudgetUSD { return .resting }
        if scanning || waitingProposals > 0 { return .improving }
        return .resting
    }

    /// Midnight UTC of the day `now` falls in: the day budget's period (the ledger's day).
    public static func dayStart(_ now: Double) -> Double { Double(UTCDay.index(now)) * 86_400 }

    static func money(_ usd: Double) -> String { String(format: "%.2f", usd) }
}
