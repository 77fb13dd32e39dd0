import FlotillaCore
import FlotillaEngine

/// Planning (docs/goals.md, "Planning"): one `goal.plan` task per attempt; its answer is read
/// (``GoalPlan/json(inAnswer:)``) and validated against the fleet's roles; a refused plan gets
/// a corrective task quoting every issue, up to `planAttempts` in a round, then the goal fails
/// with the issues as its reasons. An accepted plan waits for a person when it must, else runs.
extension GoalService {
    func plan(_ goal: GoalRecord) async throws {
        var details = GoalPlanning.Details(goal.details["planning"])
        let place = try await workspace(goal)
        let roles = knownRoles()
        // No task in this round yet: the first plan, or a new one after a rejection.
        if goal.planAttempts <= details.round {
            let prompt = details.rejection.map {
                GoalPlanning.rejectionPrompt(for: goal, reason: $0, rejected: details.plan, branch: place.baseBranch, roles: roles)
            } ?? GoalPlanning.prompt(for: goal, branch: place.baseBranch, roles: roles)
            try await submitPlanTask(goal, attempt: goal.planAttempts + 1, prompt: prompt, place: place)
            return
        }
        // A task and its count are recorded in one change, so a counted attempt has its task.
        guard let taskID = details.tasks.last else { return }
        let (task, _) = try await engine.task(id: taskID)
        guard task.state.isFinal else { return }
        let answer = GoalPlanning.answer(in: task.result)
        let issues: [PlanIssue]
        if task.state == .succeeded {
            do {
                let plan = try GoalPlanValidator(roles: roles).validate(try GoalPlan.json(inAnswer: answer))
                try await accept(goal, plan: plan, place: place)
                return
            } catch let rejection as GoalPlanRejection {
                issues = rejection.issues
            }
        } else {
            let why = task.error ?? task.reason ?? task.state.rawValue
            issues = [PlanIssue(path: "", message: "the planning task \(task.id) ended \(task.state.rawValue): \(why)")]
        }
        let used = goal.planAttempts - details.round
        details.issues = issues.map(\.description)
        if used >= configuration.planAttempts {
            let reasons = ["no valid plan after \(used) attempt\(used == 1 ? "" : "s")"] + details.issues
            let record = details
            try await engine.moveGoal(id: goal.id, to: .failed, reason: reasons.joined(separator: "\n")) { goal in
                goal.details["planning"] = record.json
            }
            return
        }
        let prompt = GoalPlanning.correctivePrompt(for: goal, issues: issues, previous: answer, roles: roles)
        let record = details
        try await engine.updateGoal(id: goal.id) { $0.details["planning"] = record.json }
        var updated = goal
        updated.details["planning"] = record.json
        try await submitPlanTask(updated, attempt: goal.planAttempts + 1, prompt: prompt, place: place)
    }

    /// Submits plan attempt `attempt` (idempotent by key) and records it on the goal.
    private func submitPlanTask(_ goal: GoalRecord, attempt: Int, prompt: String, place: GoalPlace) async throws {
        let spec = try GoalPlanning.taskSpec(goal: goal, attempt: attempt, prompt: prompt, role: configuration.planRole, repo: place.clone, base: place.baseBranch)
        guard let submitted = try await engine.submit([spec]).first else { return }
        let id = submitted.task.id
        try await engine.updateGoal(id: goal.id) { goal in
            var details = GoalPlanning.Details(goal.details["planning"])
            if !details.tasks.contains(id) { details.tasks.append(id) }
            goal.planAttempts = max(goal.planAttempts, attempt)
            goal.details["planning"] = details.json
        }
    }

    /// The roles a plan's steps may ask for: every registered agent's, and the planner's.
    func knownRoles() -> Set<String> {
        var roles: Set<String> = [configuration.planRole]
        for agent in engine.agents() { roles.formUnion(agent.registration.roles) }
        return roles
    }

    /// A valid plan: to a person first when it must wait, else straight to its run.
    private func accept(_ goal: GoalRecord, plan: GoalPlan, place: GoalPlace) async throws {
        if GoalPlanning.needsApproval(goal, plan: plan, approvalSteps: configuration.approvalSteps) {
            try await askApproval(goal, plan: plan)
        } else {
            try await startRun(goal, plan: plan, place: place)
        }
    }
}
