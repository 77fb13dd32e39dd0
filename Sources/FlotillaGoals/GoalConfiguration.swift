/// How the hub carries goals from a sentence to a pull request (docs/goals.md): where their
/// clones live, how many run at once, how planning is retried and judged, and what publication
/// may do on its own. Set by `flotilla hub`'s `--goal-…` options.
public struct GoalConfiguration: Sendable {
    /// `<data dir>/goals`: each goal's clone and merge worktree live under `<root>/<goal id>`.
    public var root: String
    /// Goals between `planning` and `review` at once (`--goal-concurrency`).
    public var concurrency: Int = 1
    /// The role of the agent that writes plans.
    public var planRole: String = "planner"
    /// Planning tasks per try: the first plan and up to `planAttempts - 1` corrective ones.
    public var planAttempts: Int = 3
    /// Plans with more steps than this wait for a person, as `--approve-plan` does (nil: none).
    public var approvalSteps: Int? = nil
    /// Fix tasks per step; corrective rounds after the final verification.
    public var fixAttempts: Int = 3
    /// Publication's risk rules and secret allowlist (`--goal-rules FILE`).
    public var rules: GoalRules = .default
    /// Whether a low-tier pull request is merged without a person (`--goal-auto-merge`).
    public var autoMerge: Bool = false
    /// Seconds one verify command may run.
    public var verifyTimeout: Double = 600
    /// The GitHub CLI publication runs: a name looked up on the hub's PATH, or a path.
    public var gh: String = "gh"
    /// When ended goals' directories are removed (GoalCleanup: sweeps, retries, agents' grace).
    public var cleanup = GoalCleanup.Policy()

    public init(root: String) {
        self.root = root
    }

    /// Most goals a hub lets run at once (`--goal-concurrency`).
    public static let maxConcurrency = 64
}
