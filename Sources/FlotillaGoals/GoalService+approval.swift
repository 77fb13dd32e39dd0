import FlotillaCore
import FlotillaEngine

/// A plan that waits for a person (`--approve-plan`, or more steps than `approvalSteps`): an
/// approval request (source `goal_plan`) whose subject lists the plan's steps. Allowed (by a
/// person, a rule or the timeout policy) → the run starts; denied by a person → planning again
/// with their reason quoted; denied by a rule or the timeout → the goal fails, since nobody is
/// there to say what a new plan should change.
extension GoalService {
    /// The id the hub asks approvals as.
    static let approvalAgent = "hub"

    func askApproval(_ goal: GoalRecord, plan: GoalPlan) async throws {
        let record = try await engine.requestApproval(GoalPlanning.approvalQuestion(goal: goal, plan: plan), agentID: Self.approvalAgent, role: nil, ref: nil)
        try await engine.moveGoal(id: goal.id, to: .awaitingApproval) { goal in
            var details = GoalPlanning.Details(goal.details["planning"])
            details.approvalID = record.id
            details.plan = plan.json
            details.issues = []
            goal.details["planning"] = details.json
        }
    }

    func awaitApproval(_ goal: GoalRecord) async throws {
        let details = GoalPlanning.Details(goal.details["planning"])
        guard let id = details.approvalID, let approval = try await engine.approval(id: id) else {
            try await engine.moveGoal(id: goal.id, to: .failed, reason: "the plan's approval request is gone")
            return
        }
        switch approval.state {
        case .pending:
            return
        case .allowed:
            guard let json = details.plan else {
                try await engine.moveGoal(id: goal.id, to: .failed, reason: "the approved plan is not recorded")
                return
            }
            let plan = try GoalPlanValidator().validate(json)
            try await startRun(goal, plan: plan, place: try await workspace(goal))
        case .denied:
            let why = approval.reason.flatMap { $0.isEmpty ? nil : $0 }
            guard approval.decidedBy == .person else {
                try await engine.moveGoal(id: goal.id, to: .failed, reason: "the plan was not approved (\(approval.decidedBy?.rawValue ?? "denied")): \(why ?? "no reason given")")
                return
            }
            let reason = why ?? "rejected without a reason"
            try await engine.moveGoal(id: goal.id, to: .planning, reason: "plan rejected: \(reason)") { goal in
                var details = GoalPlanning.Details(goal.details["planning"])
                details.round = goal.planAttempts
                details.rejection = reason
                details.approvalID = nil
                goal.details["planning"] = details.json
            }
        }
    }
}
