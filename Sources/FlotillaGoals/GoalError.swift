public import FlotillaCore

/// A problem of the goal layer on the hub's machine (a goal's clone, its branch, a merge, a
/// verify command), with a stable code. Documented in docs/errors.md ("Goals"); match on
/// `rawValue`, never rename one. Each stage adds its own codes as separate `case` lines.
public typealias GoalError = CodedError<GoalErrorCode>

/// Stable codes of ``GoalError``.
public enum GoalErrorCode: String, ErrorCode {
    /// The goal's id is not one the hub makes (`g_` and 16 hex digits): it would become a path.
    case invalidGoal = "goal_invalid"
    /// Cloning the goal's repository failed (git's own message quoted).
    case cloneFailed = "goal_clone_failed"
    /// The goal's repository has no default branch to start the goal branch from (it is empty).
    case noDefaultBranch = "goal_no_default_branch"
    /// A git command in the goal's clone or merge worktree failed (git's own message quoted).
    case gitFailed = "goal_git_failed"
    /// A step's merge onto the goal branch could not be made for a reason a fix task cannot
    /// solve (the step's branch is missing).
    case mergeFailed = "goal_merge_failed"
}
