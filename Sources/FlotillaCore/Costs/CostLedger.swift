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
    /// Each goal's budget (`budget_usd`, raised by `POST /api/goals/{id}/budget`), for goals
    /// that have one and are not final.
    public internal(set) var goalLimits: [String: Double] = [:]
    /// What each goal's tasks spent, all days (the ledger's lines by goal at start, then
    /// every report): a goal budget is for the goal's whole life, not a day.
    public internal(set) var goalSpent: [String: Double] = [:]

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
    mutating func spend(_ usd: Double, role: String, taskID: String?, goal: String? = nil) {
        guard usd != 0 else { return }
        daySpent += usd
        roleSpent[role, default: 0] += usd
        if let taskID { taskSpent[taskID, default: 0] += usd }
        if let goal { goalSpent[goal, default: 0] += usd }
    }

    /// Whether some budget can hold a task back (most hubs set none: dispatch skips the check).
    var holdsAny: Bool { !limits.isEmpty || !goalLimits.isEmpty }

    /// What a task of this type is expected to cost: its own budget, else the mean final cost
    /// of today's attempts of its type, else nothing.
    func estimate(for spec: TaskSpec) -> Double {
        if let budget = spec.budgetUSD { return budget }
        guard let known = typeCosts[spec.type], known.count > 0 else { return 0 }
        return known.sum / Double(known.count)
    }

    /// Records a finished attempt's final cost for the type's estimate.
    mutating func learn(type: String, usd: Double) {
        // One look-up, not two: this runs for every attempt that reports a cost.
        Self.add(usd, to: &typeCosts[type, default: (0, 0)])
    }

    private static func add(_ usd: Double, to known: inout (sum: Double, count: Int)) {
        known.sum += usd
        known.count += 1
    }

    /// The spent budget that keeps a task from being handed out, if any: the goal's budget is
    /// spent, or the hub's or its role's day budget is spent or would be by the task's estimate.
    public func hold(for spec: TaskSpec) -> BudgetHold? {
        guard holdsAny else { return nil }
        // A goal's budget holds its tasks once its spending reaches it (no estimate: a goal's
        // next step is worth trying while money is left).
        if let goal = spec.metadata?["goal"]?.stringValue, let limit = goalLimits[goal] {
            let spent = goalSpent[goal] ?? 0
            if spent >= limit { return BudgetHold(budget: "goal:\(goal)", spent: spent, limit: limit, estimate: 0) }
        }
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
    /// `day`, `role:ROLE`, or `goal:GOAL_ID`.
    public var budget: String
    public var spent: Double
    public var limit: Double
    /// What the task is expected to cost.
    public var estimate: Double

    public var message: String {
        let spentText = "$\(Self.money(spent)) of $\(Self.money(limit))"
        if budget.hasPrefix("goal:") {
            return "Waiting for budget: goal \(budget.dropFirst(5))'s budget is spent (\(spentText)). It runs once the goal's budget is raised (flotilla goal budget)."
        }
        let name = budget == "day" ? "the hub's day budget" : "role \(budget.dropFirst(5))'s day budget"
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
    /// Goals not final that have a budget: their budget, and what their tasks spent so far.
    public var goalLimits: [String: Double] = [:]
    public var goalSpent: [String: Double] = [:]

    public init(daySpent: Double = 0, roleSpent: [String: Double] = [:], taskSpent: [String: Double] = [:], open: [UsageRecord] = [], typeCosts: [String: (sum: Double, count: Int)] = [:]) {
        self.daySpent = daySpent
        self.roleSpent = roleSpent
        self.taskSpent = taskSpent
        self.open = open
        self.typeCosts = typeCosts
    }
}
