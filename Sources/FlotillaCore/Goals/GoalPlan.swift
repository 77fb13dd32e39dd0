/// What a planning model answers for a goal: steps that each become one task of a workflow run
/// (docs/goals.md; the published JSON Schema is docs/schemas/goal-plan.schema.json). Made by
/// ``GoalPlanValidator``, so a `GoalPlan` is always a valid one: ids unique, `needs` naming
/// earlier-or-later steps without a cycle, every bound kept.
public struct GoalPlan: Sendable, Hashable {
    /// A few sentences on what the plan does, if the model gave them (the pull request quotes it).
    public var summary: String?
    /// Commands the whole goal must pass (after every merge and on the finished goal branch),
    /// besides the goal's own (``GoalRecord/verifyCommands(plan:)``).
    public var verify: [String]
    /// Steps in the order the model wrote them.
    public var steps: [GoalPlanStep]

    public init(summary: String? = nil, verify: [String] = [], steps: [GoalPlanStep]) {
        self.summary = summary
        self.verify = verify
        self.steps = steps
    }

    /// The step with `id`.
    public func step(_ id: String) -> GoalPlanStep? { steps.first { $0.id == id } }

    /// The plan as JSON, in the schema's shape (validating it gives this plan back).
    public var json: JSONValue {
        var object: [String: JSONValue] = ["steps": .array(steps.map(\.json))]
        if let summary { object["summary"] = .string(summary) }
        if !verify.isEmpty { object["verify"] = .array(verify.map { .string($0) }) }
        return .object(object)
    }
}

/// One step of a ``GoalPlan``.
public struct GoalPlanStep: Sendable, Hashable {
    /// 1 to 64 letters, digits, `_` and `-`, starting with a letter or `_` (a workflow step id).
    public var id: String
    public var title: String
    /// What the agent is asked to do.
    public var prompt: String
    /// How the step's result is judged, in words (quoted to the agent and in the pull request).
    public var successCriteria: [String]
    /// Shell commands that must exit 0 in the step's worktree for it to count as done.
    public var verify: [String]
    /// The role of agent to run it; nil: any agent.
    public var role: String?
    public var complexity: Complexity?
    /// Ids of steps that must finish first.
    public var needs: [String]
    /// Files and folders (or globs such as `src/**`) it expects to touch, for conflict
    /// prediction (``FileSets``); empty: not declared.
    public var files: [String]

    public init(
        id: String, title: String, prompt: String, successCriteria: [String], verify: [String] = [],
        role: String? = nil, complexity: Complexity? = nil, needs: [String] = [], files: [String] = []
    ) {
        self.id = id
        self.title = title
        self.prompt = prompt
        self.successCriteria = successCriteria
        self.verify = verify
        self.role = role
        self.complexity = complexity
        self.needs = needs
        self.files = files
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "title": .string(title),
            "prompt": .string(prompt),
            "success_criteria": .array(successCriteria.map { .string($0) }),
            "verify": .array(verify.map { .string($0) }),
            "needs": .array(needs.map { .string($0) }),
            "files": .array(files.map { .string($0) }),
        ]
        if let role { object["role"] = .string(role) }
        if let complexity { object["complexity"] = .string(complexity.rawValue) }
        return .object(object)
    }
}
