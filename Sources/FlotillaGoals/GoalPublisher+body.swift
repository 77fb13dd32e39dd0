import FlotillaCore
import FlotillaEngine
import Logging

extension GoalPublisher {
    /// The pull request's body from what the store holds: the goal and its plan, each step's
    /// task result from the plan's run (with the merge queue's landed commit), the final
    /// verification, the review, and what the goal's tasks cost (the ledger, by goal).
    func pullRequestBody(_ goal: GoalRecord, _ review: GoalReview) async throws -> String {
        let current = try await engine.goal(id: goal.id)
        var steps: [GoalStepReport] = []
        let titles = Dictionary(
            (current.plan?["steps"]?.arrayValue ?? []).compactMap { step in step["id"]?.stringValue.map { ($0, step["title"]?.stringValue ?? $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        if let runID = current.runID, let run = try? await engine.workflowRun(id: runID) {
            for step in run.steps ?? [] {
                let task = step.tasks.last
                let result = task?.result
                let merge = current.details["merges"]?[step.id]
                steps.append(GoalStepReport(
                    id: step.id, title: titles[step.id] ?? step.id, state: step.conclusion ?? step.status,
                    summary: result?["summary"]?.stringValue ?? "", verification: Self.verification(result?["verification"]),
                    commit: merge?["merged_commit"]?.stringValue ?? result?["commit"]?.stringValue
                ))
            }
        }
        let checks = (current.details["verification"]?["checks"]?.arrayValue ?? []).compactMap(VerifyCheckReport.init(json:))
        let cost = try? await engine.goalCosts(ids: [goal.id])[goal.id]?.usage
        return GoalPullRequestBody(goal: current, steps: steps, checks: checks, review: review, cost: cost).text
    }

    /// A step's own verification (the agent's checks): "passed (2 checks)", "failed (…)".
    static func verification(_ value: JSONValue?) -> String? {
        guard let value, let passed = value["passed"]?.boolValue else { return nil }
        let count = value["checks"]?.arrayValue?.count ?? 0
        let rounds = value["fix_rounds"]?.intValue ?? 0
        return "\(passed ? "passed" : "failed") (\(count) check\(count == 1 ? "" : "s")\(rounds > 0 ? ", \(rounds) fix rounds" : ""))"
    }
}
