import FlotillaCore

/// An accepted plan becomes a workflow run (issue 25 builds goals on the workflow engine, not
/// beside it): one step per plan step, in plan order, with its `needs`, role, complexity and
/// verify commands. The plan's texts are literal: a `${{` a model wrote stays text, never an
/// expression. The step's payload carries what the goal layer needs back (`goal_step`, `title`,
/// `success_criteria`, `files`); the prompt ends with the success criteria, so the agent
/// knows how its work is judged.
extension GoalPlan {
    /// The task type of a goal's steps.
    public static let stepTaskType = "goal.step"

    /// The workflow definition of this plan, named `name` (a workflow name: 1 to 64 letters,
    /// digits, `_`, `-`, `.`). `repo` is given to every step's task. Refused with the
    /// workflow's own errors (bad name, a task the hub would refuse, a cycle), which a plan
    /// from ``GoalPlanValidator`` does not have.
    public func workflow(name: String, repo: String? = nil, taskType: String = GoalPlan.stepTaskType, file: String = "plan.json") throws(WorkflowError) -> WorkflowDefinition {
        try WorkflowParser.checkWorkflowName(name, at: WorkflowLocation(file: file, line: 1, column: 1))
        var steps: [WorkflowStep] = []
        for (index, planStep) in self.steps.enumerated() {
            let location = WorkflowLocation(file: file, line: index + 1, column: 1)
            guard WorkflowParser.isIdentifier(planStep.id) else {
                throw WorkflowError(.invalidStepID, "plan step id '\(planStep.id.prefix(80))' is not a workflow step id", at: location)
            }
            var step = WorkflowStep(id: planStep.id, location: location, type: Template(literal: taskType))
            step.role = planStep.role.map(Template.init(literal:))
            step.prompt = Template(literal: Self.prompt(of: planStep))
            step.verify = planStep.verify.map(Template.init(literal:))
            step.complexity = planStep.complexity
            step.repo = repo.map(Template.init(literal:))
            step.needs = planStep.needs
            step.payload = .literal([
                "goal_step": .string(planStep.id),
                "title": .string(planStep.title),
                "success_criteria": .array(planStep.successCriteria.map { .string($0) }),
                "files": .array(planStep.files.map { .string($0) }),
            ])
            do {
                var task: [String: JSONValue] = ["type": .string(taskType)]
                task["role"] = planStep.role.map { .string($0) }
                task["repo"] = repo.map { .string($0) }
                _ = try TaskSpec(json: .object(task))
            } catch {
                throw WorkflowError(.invalidTask, "\(error.message) (plan step '\(planStep.id)')", at: location)
            }
            steps.append(step)
        }
        guard !steps.isEmpty else {
            throw WorkflowError(.missingField, "the plan has no steps", at: WorkflowLocation(file: file, line: 1, column: 1))
        }
        for step in steps {
            for need in step.needs where !steps.contains(where: { $0.id == need }) {
                throw WorkflowError(.unknownStep, "'needs' of plan step '\(step.id)' names '\(need)', which is not a step", at: step.location)
            }
        }
        let definition = WorkflowDefinition(
            name: name, description: summary, inputs: [], triggers: WorkflowTriggers(), steps: steps, file: file
        )
        try StepGraph(definition).check()
        return definition
    }

    /// The step's prompt, then its success criteria as a list.
    static func prompt(of step: GoalPlanStep) -> String {
        guard !step.successCriteria.isEmpty else { return step.prompt }
        return step.prompt + "\n\nSuccess criteria:\n" + step.successCriteria.map { "- \($0)" }.joined(separator: "\n")
    }
}

extension Template {
    /// A template that is `text` and nothing else, whatever it holds (`${{` included).
    init(literal text: String) {
        self.source = text
        self.parts = text.isEmpty ? [] : [.text(text)]
    }
}
