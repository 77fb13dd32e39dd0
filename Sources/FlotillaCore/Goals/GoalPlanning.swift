/// The planning stage of a goal, in pure terms (the hub's GoalService does the I/O): the
/// `goal.plan` task, its prompts, what its result holds, and the `details["planning"]` it keeps.
public enum GoalPlanning {
    /// The task type of a goal's planning tasks.
    public static let taskType = "goal.plan"

    /// What the planning stage records in `details["planning"]`: `{"tasks", "issues",
    /// "approval_id"}` (the contract's keys), plus `round` (the plan attempt count when the
    /// current round began: a rejected plan starts a new one), `rejection` (a person's reason,
    /// quoted in the next prompt) and `plan` (the plan waiting for approval).
    public struct Details: Sendable, Hashable {
        /// The planning tasks of this try, in order.
        public var tasks: [String] = []
        /// The last refused plan's issues, each `path: message`.
        public var issues: [String] = []
        public var approvalID: String?
        public var round = 0
        public var rejection: String?
        public var plan: JSONValue?

        public init() {}

        public init(_ json: JSONValue?) {
            tasks = json?["tasks"]?.arrayValue?.compactMap(\.stringValue) ?? []
            issues = json?["issues"]?.arrayValue?.compactMap(\.stringValue) ?? []
            approvalID = json?["approval_id"]?.stringValue
            round = json?["round"]?.intValue.map(Int.init) ?? 0
            rejection = json?["rejection"]?.stringValue
            if let stored = json?["plan"], !stored.isNull { plan = stored }
        }

        public var json: JSONValue {
            [
                "tasks": .array(tasks.map(JSONValue.string)), "issues": .array(issues.map(JSONValue.string)),
                "approval_id": approvalID.map(JSONValue.string) ?? .null, "round": .int(Int64(round)),
                "rejection": rejection.map(JSONValue.string) ?? .null, "plan": plan ?? .null,
            ]
        }
    }

    /// `goal:<id>:plan:<try>:<n>`: one task per plan attempt of a try (a retry is a new try),
    /// so a hub that restarts between submitting and recording finds the same task.
    public static func idempotencyKey(goal: String, try number: Int, attempt: Int) -> String {
        "goal:\(goal):plan:\(number):\(attempt)"
    }

    /// The first prompt: the goal, where the planner is, and the plan's format.
    public static func prompt(for goal: GoalRecord, branch: String?, roles: Set<String>?, limits: GoalPlanLimits = .standard) -> String {
        var lines = [
            "Plan this goal: \(goal.title)",
            "",
            "You are in a clone of the repository \(goal.repo)\(branch.map { " on branch \($0)" } ?? ""). Read what you need, change nothing.",
            "Break the goal into steps that agents will carry out, each in its own worktree branched from the goal branch \(goal.branch); each step's commit is merged onto that branch one at a time, so steps that touch the same files should depend on each other.",
        ]
        if !goal.verify.isEmpty {
            lines.append("After every merge these commands must pass: \(goal.verify.joined(separator: "; ")).")
        }
        lines += ["", GoalPlan.formatDescription(limits: limits, roles: roles)]
        return lines.joined(separator: "\n")
    }

    /// The prompt after a refused plan: the goal again, then every issue quoted with the
    /// previous answer (``GoalPlan/correctivePrompt(issues:previous:limits:roles:)``).
    public static func correctivePrompt(for goal: GoalRecord, issues: [PlanIssue], previous: String, roles: Set<String>?, limits: GoalPlanLimits = .standard) -> String {
        "Plan this goal: \(goal.title)\n\n" + GoalPlan.correctivePrompt(issues: issues, previous: previous, limits: limits, roles: roles)
    }

    /// The prompt after a person rejected the plan: their reason quoted, the rejected plan,
    /// then the first prompt again.
    public static func rejectionPrompt(for goal: GoalRecord, reason: String, rejected: JSONValue?, branch: String?, roles: Set<String>?, limits: GoalPlanLimits = .standard) -> String {
        var out = "A person rejected your previous plan for this goal. Their reason:\n> "
        out += reason.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n> ")
        if let rejected {
            let text = rejected.jsonString
            let fence = String(repeating: "`", count: max(3, GoalPlan.longestBacktickRun(text) + 1))
            out += "\n\nThe rejected plan:\n\(fence)json\n\(text)\n\(fence)"
        }
        return out + "\n\nWrite a new plan that answers it.\n\n" + prompt(for: goal, branch: branch, roles: roles, limits: limits)
    }

    /// The planning task: on the planner role, in the goal's clone (payload `base` the branch
    /// the planner reads), complexity `complex`, metadata `{"goal": id}` (its cost counts
    /// toward the goal), at most one attempt per plan attempt (a failed one is a refused plan).
    public static func taskSpec(goal: GoalRecord, attempt: Int, prompt: String, role: String, repo: String, base: String?) throws(FlotillaError) -> TaskSpec {
        var payload: [String: JSONValue] = ["goal": .string(goal.id)]
        if let base { payload["base"] = .string(base) }
        return try TaskSpec(json: [
            "type": .string(taskType), "prompt": .string(prompt), "role": .string(role), "repo": .string(repo),
            "complexity": "complex", "payload": .object(payload), "metadata": ["goal": .string(goal.id)],
            "idempotency_key": .string(idempotencyKey(goal: goal.id, try: goal.retries, attempt: attempt)),
        ])
    }

    /// The model's final text in a task's result: `summary` (every executor's), else the tail
    /// of its output when the summary holds no JSON.
    public static func answer(in result: JSONValue?) -> String {
        let summary = result?["summary"]?.stringValue ?? ""
        if (try? GoalPlan.json(inAnswer: summary)) != nil { return summary }
        let tail = result?["output_tail"]?.stringValue ?? ""
        if (try? GoalPlan.json(inAnswer: tail)) != nil { return tail }
        return summary.isEmpty ? tail : summary
    }

    /// Whether a plan waits for a person: the goal asks (`--approve-plan`) or it has more
    /// steps than the hub's `approvalSteps`.
    public static func needsApproval(_ goal: GoalRecord, plan: GoalPlan, approvalSteps: Int?) -> Bool {
        goal.approvePlan || approvalSteps.map { plan.steps.count > $0 } ?? false
    }

    /// The approval question for a plan: the subject names the goal and lists its steps, the
    /// detail shows each step as a person would review it.
    public static func approvalQuestion(goal: GoalRecord, plan: GoalPlan) -> ApprovalQuestion {
        let steps = plan.steps.map { step in
            step.needs.isEmpty ? step.id : "\(step.id) after \(step.needs.joined(separator: ", "))"
        }
        let subject = "GoalPlan(\(goal.id): \(plan.steps.count) steps: \(steps.joined(separator: "; ")))"
        var detail = "Goal \(goal.id): \(goal.title)\n"
        if let summary = plan.summary { detail += "\n\(summary)\n" }
        for (index, step) in plan.steps.enumerated() {
            detail += "\n\(index + 1). \(step.id): \(step.title)"
            if let role = step.role { detail += " [\(role)]" }
            if !step.needs.isEmpty { detail += " (after \(step.needs.joined(separator: ", ")))" }
            detail += "\n   \(step.prompt.split(separator: "\n").first.map(String.init) ?? "")"
            for criterion in step.successCriteria { detail += "\n   - \(criterion)" }
            if !step.verify.isEmpty { detail += "\n   verify: \(step.verify.joined(separator: "; "))" }
            if !step.files.isEmpty { detail += "\n   files: \(step.files.joined(separator: ", "))" }
        }
        return ApprovalQuestion(
            source: .goalPlan, tool: "GoalPlan", subject: subject, detail: detail,
            input: ["goal_id": .string(goal.id), "plan": plan.json], readOnly: false
        )
    }
}
