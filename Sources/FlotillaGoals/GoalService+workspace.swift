import FlotillaCore
import FlotillaEngine
import Foundation

/// Where a goal's agents work: the hub's own clone of the goal's repository (GoalWorkspaces),
/// its goal branch, and the default branch the goal branch was made from.
struct GoalPlace: Sendable, Hashable {
    var clone: String
    var branch: String
    var baseBranch: String?
}

extension GoalService {
    /// The goal's clone and branch: read from `details["branch"]` once recorded, else made
    /// (idempotently, ``GoalWorkspaces/prepare(_:)``) and recorded. A goal whose repository
    /// cannot be cloned fails with GoalWorkspaces' reason: nothing can run without it.
    ///
    /// A recorded clone that is gone (removed when the goal was cancelled, or failed past the
    /// retention age, then retried: GoalCleanup) is made again and recorded anew.
    func workspace(_ goal: GoalRecord) async throws -> GoalPlace {
        if let known = GoalBranchInfo(json: goal.details["branch"]) {
            if FileManager.default.fileExists(atPath: known.clone + "/.git") {
                return GoalPlace(clone: known.clone, branch: known.branch, baseBranch: known.baseBranch)
            }
            // Only for a goal still on its way: a pass that read it before it ended must not
            // clone again what the cleanup just removed.
            guard try await !engine.goal(id: goal.id).state.isFinal else {
                throw GoalError(.invalidGoal, "Goal \(goal.id) has ended; its clone is not made again.", field: "id")
            }
        }
        let info: GoalBranchInfo
        do {
            info = try await workspaces.prepare(goal)
        } catch let error as GoalError {
            // A clone killed because the hub is stopping (or the goal ended) is no verdict on
            // the repository: the next start clones again.
            try _Concurrency.Task.checkCancellation()
            try await engine.moveGoal(id: goal.id, to: .failed, reason: "cannot prepare the goal's clone: \(error.message)")
            throw error
        }
        let recorded = info.json()
        try await engine.updateGoal(id: goal.id) { goal in
            // Recorded when made (again, after a removal); the merge queue keeps it (and its head)
            // up to date from then on.
            if GoalBranchInfo(json: goal.details["branch"]) != info { goal.details["branch"] = recorded }
        }
        return GoalPlace(clone: info.clone, branch: info.branch, baseBranch: info.baseBranch)
    }
}
