/// A goal as stored (table `goals`) and shown (`/api/goals`, `flotilla goal … --json`,
/// `goal.state_changed` events): the sentence, where it works, what it may spend, and where it
/// is on its way (docs/goals.md).
public struct GoalRecord: Sendable, Hashable {
    /// "g_" + 16 lowercase hex, hub-assigned.
    public var id: String
    /// The sentence the goal is ("Add rate limiting to the API").
    public var title: String
    /// The repository's URL or path, as given.
    public var repo: String
    /// Most the goal's tasks may spend together, in US dollars (nil: no goal budget).
    public var budgetUSD: Double?
    /// Higher goes first out of the backlog (0…100, default 50).
    public var priority: Int
    /// Whether the plan waits for a person before it runs.
    public var approvePlan: Bool
    /// The goal's own verify commands (`goal add --verify`): each merge onto the goal branch
    /// and the finished goal branch must pass them, with the plan's top-level `verify`.
    public var verify: [String]
    public var state: GoalState
    /// The accepted plan's JSON (nil until one is accepted).
    public var plan: JSONValue?
    /// Planning tasks submitted for the current try (the first and each corrective one).
    public var planAttempts: Int
    /// The workflow run executing the plan.
    public var runID: String?
    /// Why the goal is where it is: a cancel reason, a failed plan's issues, a run's failure.
    public var reasons: [String]
    public var prURL: String?
    /// How many times the goal was retried (a failed or cancelled goal back to `queued`).
    public var retries: Int
    /// What each stage of the goal's way recorded, one key per stage (docs/goals.md, "Details"):
    /// `planning`, `merges`, `verification`, `review`, `autonomy`. A stage writes only its key.
    public var details: [String: JSONValue]
    public var createdAt: Double
    public var updatedAt: Double
    public var endedAt: Double?

    public init(id: String, title: String, repo: String, budgetUSD: Double? = nil, priority: Int = GoalRecord.defaultPriority, approvePlan: Bool = false, verify: [String] = [], state: GoalState = .queued, plan: JSONValue? = nil, planAttempts: Int = 0, runID: String? = nil, reasons: [String] = [], prURL: String? = nil, retries: Int = 0, details: [String: JSONValue] = [:], createdAt: Double, updatedAt: Double, endedAt: Double? = nil) {
        self.id = id
        self.title = title
        self.repo = repo
        self.budgetUSD = budgetUSD
        self.priority = priority
        self.approvePlan = approvePlan
        self.verify = verify
        self.state = state
        self.plan = plan
        self.planAttempts = planAttempts
        self.runID = runID
        self.reasons = reasons
        self.prURL = prURL
        self.retries = retries
        self.details = details
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.endedAt = endedAt
    }

    public static let defaultPriority = 50
    public static let priorities = 0...100

    /// The goal branch every step's work lands on: `flotilla/goal-<id>`.
    public var branch: String { "flotilla/goal-\(id)" }

    /// A new id: "g_" and 16 random lowercase hex digits.
    public static func newID() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return "g_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The goal moved to `next` through ``GoalState/moved(to:)`` (refused with
    /// `invalid_state`, nothing changed, when the move is not allowed).
    public func moving(to next: GoalState, reason: String? = nil, now: Double) throws(FlotillaError) -> GoalRecord {
        var goal = self
        goal.state = try state.moved(to: next)
        if let reason { goal.reasons.append(reason) }
        goal.updatedAt = now
        if next.isFinal { goal.endedAt = now }
        return goal
    }

    /// The goal back in the backlog after a failure or a cancel: a new try with a new plan.
    /// The reasons of earlier tries stay (they are the goal's history).
    public func retried(now: Double) throws(FlotillaError) -> GoalRecord {
        var goal = self
        goal.state = try state.retryState()
        goal.plan = nil
        goal.planAttempts = 0
        goal.runID = nil
        goal.retries += 1
        goal.updatedAt = now
        goal.endedAt = nil
        return goal
    }

    /// The goal's JSON; `cost` is what its tasks spent (from the ledger), when known.
    public func json(cost: CostTotal? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "title": .string(title), "repo": .string(repo),
            "budget_usd": budgetUSD.map(JSONValue.double) ?? .null, "priority": .int(Int64(priority)),
            "approve_plan": .bool(approvePlan), "verify": .array(verify.map(JSONValue.string)), "state": .string(state.rawValue), "plan": plan ?? .null,
            "plan_attempts": .int(Int64(planAttempts)), "run_id": runID.map(JSONValue.string) ?? .null,
            "branch": .string(branch), "reasons": .array(reasons.map(JSONValue.string)),
            "pr_url": prURL.map(JSONValue.string) ?? .null, "retries": .int(Int64(retries)),
            "details": .object(details),
            "created_at": .double(createdAt), "updated_at": .double(updatedAt), "ended_at": endedAt.map(JSONValue.double) ?? .null,
        ]
        if let cost { object["cost"] = cost.json(withKey: false) }
        return .object(object)
    }
}

/// A page of goals (`GET /api/goals`): newest first, optionally in some states.
public struct GoalQuery: Sendable, Hashable {
    public var states: [GoalState]
    public var limit: Int

    public static let maxLimit = 500

    public init(states: [GoalState] = [], limit: Int = 100) {
        self.states = states
        self.limit = limit
    }
}
