import FlotillaCore
import FlotillaEngine
import FlotillaWorkflows

/// Execution: the accepted plan becomes one workflow run (GoalPlanRun: a `.plan.json` source,
/// one `goal.step` task per plan step in the goal's clone, based on the goal branch). When the
/// run ends: succeeded → publication; failed or cancelled → the goal fails with the run's reason.
extension GoalService {
    /// `goal:<id>:run:<try>`: one run per try of a goal, found again after a restart.
    static func runKey(_ goal: GoalRecord) -> String { "goal:\(goal.id):run:\(goal.retries)" }

    func startRun(_ goal: GoalRecord, plan: GoalPlan, place: GoalPlace) async throws {
        let run = GoalPlanRun(goal: goal.id, clone: place.clone, branch: place.branch, plan: plan)
        let (info, _) = try await engine.startGoalRun(
            source: run.source, file: run.file, trigger: ["kind": "goal", "goal_id": .string(goal.id)], triggerKey: Self.runKey(goal)
        )
        try await engine.moveGoal(id: goal.id, to: .executing) { goal in
            goal.plan = plan.json
            goal.runID = info.id
        }
    }

    func execute(_ goal: GoalRecord) async throws {
        guard let runID = goal.runID else {
            // Executing without a run: start it again from the plan (the key finds one started before).
            guard let json = goal.plan else {
                try await engine.moveGoal(id: goal.id, to: .failed, reason: "executing without a plan")
                return
            }
            let run = GoalPlanRun(goal: goal.id, clone: try await workspace(goal).clone, branch: goal.branch, plan: try GoalPlanValidator().validate(json))
            let (info, _) = try await engine.startGoalRun(source: run.source, file: run.file, trigger: ["kind": "goal", "goal_id": .string(goal.id)], triggerKey: Self.runKey(goal))
            try await engine.updateGoal(id: goal.id) { $0.runID = info.id }
            return
        }
        let run = try await engine.workflowRun(id: runID)
        switch run.status {
        case .running:
            return
        case .succeeded:
            try await finish(goal)
        case .failed, .cancelled:
            try await engine.moveGoal(id: goal.id, to: .failed, reason: Self.failure(of: run))
        }
    }

    /// The run's reason in words: its cancel reason, else each failed step with its error.
    static func failure(of run: WorkflowRunInfo) -> String {
        if run.status == .cancelled { return "the plan's run \(run.id) was cancelled: \(run.cancelReason ?? "cancelled")" }
        let failed = (run.steps ?? []).filter { $0.status == "failed" }.map { step -> String in
            let error = step.error?.stringValue ?? step.error?["message"]?.stringValue ?? step.tasks.last?.error?.stringValue ?? step.tasks.last?.error?["message"]?.stringValue
            return "step '\(step.id)' failed" + (error.map { ": \($0)" } ?? "")
        }
        return "the plan's run \(run.id) \(run.status.rawValue)" + (failed.isEmpty ? "" : ": " + failed.joined(separator: "; "))
    }

    /// The run succeeded: publication's part (GoalPublisher.finish, set with
    /// ``GoalService/setFinisher(_:)``) verifies, reviews and opens the pull request, moving the
    /// goal itself. Without a finisher the goal moves to `verifying` and stays there.
    func finish(_ goal: GoalRecord) async throws {
        guard currentFinisher != nil else {
            try await engine.moveGoal(id: goal.id, to: .verifying)
            return
        }
        enqueueFinish(goal)
    }

    /// A goal in `verifying` (after a restart, or a fix round) goes back to the finisher, which
    /// carries on from what the goal's details record.
    func resumeFinish(_ goal: GoalRecord) async throws {
        guard currentFinisher != nil else { return }
        enqueueFinish(goal)
    }
}
