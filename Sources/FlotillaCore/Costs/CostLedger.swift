import Foundation

/// What the scheduler knows of spending, to gate dispatch and stop attempts: today's totals
/// for the hub and per role, each in-flight task's spending over its attempts, each held
/// attempt's ledger line, and which budget alerts already went out. Pure state; the store's
/// `attempt_usage` table is the ledger itself, and this is rebuilt from it at start
/// (``UsageSnapshot``).
public struct CostLedger: Sendable {
    public internal(set) var limits = BudgetLimits()
    /// The UTC day (``UTCDay/index(_:)``) the day totals are for.
    public internal(set) var day: Int {
        didSet { dayName = UTCDay.name(Double(day) * 86_400) }
    }
    /// ``day`` as ledger lines carry it (`2026-12-05`), formatted once a day, not per attempt.
    public private(set) var dayName: String
    public internal(set) var daySpent = 0.0
    public internal(set) var roleSpent: [String: Double] = [:]
    /// Spending of unfinished tasks, all their attempts.
    public internal(set) var taskSpent: [String: Double] = [:]
    /// The held attempt's line, per task.
    var open: [String: UsageRecord] = [:]
    /// Final costs of today's attempts per task type: the estimate for a task of that type
    /// that has no `budget` of its own.
    var typeCosts: [String: (sum: Double, count: Int)] = [:]
    /// Alerts already sent this period: `warning|day`, `exceeded|role:coder`, `exceeded|task:ID`.
    var alerted: Set<String> = []

    public init(day: Int = 0) {
        self.day = day
        self.dayName = UTCDay.name(Double(day) * 86_400)
    }

    /// Starts a new day's totals when `now` is past the day they are for; true when it did.
    mutating func roll(to now: Double) -> Bool {
        let today = UTCDay.index(now)
        guard today != day else { return false }
        day = today
        daySpent = 0
        roleSpent = [:]
        typeCosts = [:]
        alerted = alerted.filter { $0.contains("|task:") }
        return true
    }

    /// Adds spending (a delta, or a final cost's difference from what was streamed).
    mutating func spend(_ usd: Double, role: String, taskID: String?) {
        guard usd != 0 else { return }
        daySpent += usd
        roleSpent[role, default: 0] += usd
        if let taskID { taskSpent[taskID, default: 0] += usd }
    }

    /// What a task of this type is expected to cost: its own budget, else the mean final cost
    /// of today's attempts of its type, else nothing.
    func estimate(for spec: TaskSpec) -> Double {
        if let budget = spec.budgetUSD { return budget }
        guard let known = typeCosts[spec.type], known.count > 0 else { return 0 }
        return known.sum / Double(known.count)
    }

    /// Records a finished attempt's final cost for the type's estimate.
    mutating func learn(type: String, usd: Double) {
        typeCosts[type, default: (0, 0)].sum += usd
        typeCosts[type, default: (0, 0)].count += 1
    }

    /// The spent budget that keeps a task from being handed out, if any: the hub's or its
    /// role's day budget is spent, or would be by the task's estimate.
    public func hold(for spec: TaskSpec) -> BudgetHold? {
        guard !limits.isEmpty else { return nil }
        let estimate = estimate(for: spec)
        if let limit = limits.day, daySpent >= limit || daySpent + estimate > limit {
            return BudgetHold(budget: "day", spent: daySpent, limit: limit, estimate: estimate)
        }
        if let limit = limits.roles[spec.role] {
            let spent = roleSpent[spec.role] ?? 0
            if spent >= limit || spent + estimate > limit {
                return BudgetHold(budget: "role:\(spec.role)", spent: spent, limit: limit, estimate: estimate)
            }
        }
        return nil
    }

    /// Marks an alert sent; false when it already was this period.
    mutating func firstAlert(_ level: String, _ budget: String) -> Bool {
        alerted.insert("\(level)|\(budget)").inserted
    }
}

/// Why a queued task is held back by a budget (its `waiting_reason: budget`).
public struct BudgetHold: Sendable, Hashable {
    /// `day`, or `role:ROLE`.
    public var budget: String
    public var spent: Double
    public var limit: Double
    /// What the task is expected to cost.
    public var estimate: Double

    public var message: String {
        let name = budget == "day" ? "the hub's day budget" : "role \(budget.dropFirst(5))'s day budget"
        let spentText = "$\(Self.money(spent)) of $\(Self.money(limit))"
        if spent >= limit {
            return "Waiting for budget: \(name) is spent (\(spentText)). It runs once the budget is raised or the UTC day ends."
        }
        return "Waiting for budget: \(name) has \(spentText) spent, and this task is expected to cost $\(Self.money(estimate)). It runs once the budget is raised or the UTC day ends."
    }

    public var reason: WaitingReason {
        WaitingReason(.budget, message, details: [
            "budget": .string(budget),
            "spent": .double(Usage.rounded(spent)),
            "limit": .double(Usage.rounded(limit)),
            "estimate": .double(Usage.rounded(estimate)),
        ])
    }

    static func money(_ usd: Double) -> String {
        let cents = (usd * 100).rounded() / 100
        return abs(cents - usd) < 1e-9 ? String(format: "%.2f", cents) : String(format: "%.4f", usd)
    }
}

/// The ledger's part of what a hub loads at start: today's totals, in-flight tasks'
/// spending, and the open lines of held attempts.
public struct UsageSnapshot: Sendable {
    public var daySpent: Double
    public var roleSpent: [String: Double]
    public var taskSpent: [String: Double]
    public var open: [UsageRecord]
    public var typeCosts: [String: (sum: Double, count: Int)]

    public init(daySpent: Double = 0, roleSpent: [String: Double] = [:], taskSpent: [String: Double] = [:], open: [UsageRecord] = [], typeCosts: [String: (sum: Double, count: Int)] = [:]) {
        self.daySpent = daySpent
        self.roleSpent = roleSpent
        self.taskSpent = taskSpent
        self.open = open
        self.typeCosts = typeCosts
    }
}
