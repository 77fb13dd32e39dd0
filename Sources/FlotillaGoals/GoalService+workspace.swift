import FlotillaCore

/// Where a goal's agents work: the goal's clone, its goal branch, and the branch the plan is
/// read from.
struct GoalPlace: Sendable, Hashable {
    var clone: String
    var branch: String
    /// The repository's default branch the goal branch was made from (nil: not known).
    var baseBranch: String?
}

extension GoalService {
    /// The goal's place. Until the hub's own clone exists (GoalWorkspaces, merge-queue's part)
    /// agents work in the goal's repository itself.
    func workspace(_ goal: GoalRecord) async throws -> GoalPlace {
        GoalPlace(clone: goal.repo, branch: goal.branch, baseBranch: nil)
    }
}
