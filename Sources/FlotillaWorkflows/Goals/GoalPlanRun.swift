import FlotillaCore

/// A goal's accepted plan as the source of its workflow run (docs/goals.md, "Execution"): the
/// canonical JSON `{"goal": id, "clone": path, "branch": "flotilla/goal-<id>", "plan": {…}}`
/// stored as the run's source under the file name `goal-<id>.plan.json`. The hub rebuilds the
/// run's definition from it (``definition(source:file:)``) at start and after a restart, never
/// through YAML, so a `${{` in a model's text stays text.
///
/// Each step's task: type `goal.step`, `repo` the goal's clone (agents work there, nothing
/// reaches the real remote before publication), payload `{goal_step, title, success_criteria,
/// files, base}` with `base` the goal branch (the attempt's worktree starts there), metadata
/// `{"goal": id}` (the ledger and the goal budget count its spending), and the plan step's
/// verify commands.
public struct GoalPlanRun: Sendable, Hashable {
    public var goal: String
    public var clone: String
    public var branch: String
    public var plan: GoalPlan

    /// What a goal's run file ends with: the definition cache reads such a source as JSON.
    public static let fileSuffix = ".plan.json"

    public init(goal: String, clone: String, branch: String, plan: GoalPlan) {
        self.goal = goal
        self.clone = clone
        self.branch = branch
        self.plan = plan
    }

    /// `goal-<id>.plan.json`.
    public var file: String { "goal-\(goal)\(Self.fileSuffix)" }

    /// The run's workflow name: `goal-<id>`.
    public var workflowName: String { "goal-\(goal)" }

    /// The canonical JSON text (sorted keys, compact): the same plan always gives the same source.
    public var source: String {
        (["goal": .string(goal), "clone": .string(clone), "branch": .string(branch), "plan": plan.json] as JSONValue).jsonString
    }

    /// Reads a source written by ``source``; anything else is a workflow error at line 1.
    public init(source: String, file: String = "plan.json") throws(WorkflowError) {
        let at = WorkflowLocation(file: file, line: 1, column: 1)
        let json: JSONValue
        do { json = try JSONValue.parse(source) } catch {
            throw WorkflowError(.invalidValue, "a goal's plan run is JSON: \(error.message)", at: at)
        }
        guard let goal = json["goal"]?.stringValue, let clone = json["clone"]?.stringValue, let branch = json["branch"]?.stringValue, let planJSON = json["plan"] else {
            throw WorkflowError(.missingField, "a goal's plan run needs goal, clone, branch and plan", at: at)
        }
        let plan: GoalPlan
        // Roles were checked when the plan was accepted; the fleet may have changed since.
        do { plan = try GoalPlanValidator().validate(planJSON) } catch {
            throw WorkflowError(.invalidValue, "the goal's plan is not valid: \(error.description)", at: at)
        }
        self.init(goal: goal, clone: clone, branch: branch, plan: plan)
    }

    /// The workflow the run executes.
    public func workflow(file: String? = nil) throws(WorkflowError) -> WorkflowDefinition {
        var definition = try plan.workflow(name: workflowName, repo: clone, file: file ?? self.file)
        for index in definition.steps.indices {
            if case .literal(var payload) = definition.steps[index].payload, var object = payload.objectValue {
                object["base"] = .string(branch)
                payload = .object(object)
                definition.steps[index].payload = .literal(payload)
            }
        }
        definition.taskMetadata = ["goal": .string(goal)]
        return definition
    }

    /// The definition of a `.plan.json` source (the definition cache's way in).
    public static func definition(source: String, file: String) throws(WorkflowError) -> WorkflowDefinition {
        try GoalPlanRun(source: source, file: file).workflow(file: file)
    }
}
