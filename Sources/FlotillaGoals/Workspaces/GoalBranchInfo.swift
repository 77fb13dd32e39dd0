public import FlotillaCore

/// Where a goal's work lands: the hub's own clone of the goal's repository and the goal branch
/// in it, made from the repository's default branch at `baseCommit`.
public struct GoalBranchInfo: Sendable, Hashable {
    /// The clone's absolute path (`<data dir>/goals/<goal id>/repo`): the `repo` of the goal's tasks.
    public var clone: String
    /// `flotilla/goal-<id>`.
    public var branch: String
    /// The repository's default branch the goal branch was made from (the pull request's base).
    public var baseBranch: String
    /// The default branch's commit the goal branch started at.
    public var baseCommit: String

    public init(clone: String, branch: String, baseBranch: String, baseCommit: String) {
        self.clone = clone
        self.branch = branch
        self.baseBranch = baseBranch
        self.baseCommit = baseCommit
    }

    /// The goal's `details["branch"]`: `{"clone", "branch", "base_branch", "base_commit", "head"}`
    /// (`head`: the goal branch's commit now, null when not known).
    public func json(head: String? = nil) -> JSONValue {
        .object([
            "clone": .string(clone), "branch": .string(branch), "base_branch": .string(baseBranch),
            "base_commit": .string(baseCommit), "head": head.map(JSONValue.string) ?? .null,
        ])
    }

    /// Read back from `details["branch"]` (nil when absent or not this shape).
    public init?(json: JSONValue?) {
        guard case .object(let object)? = json,
              case .string(let clone)? = object["clone"], case .string(let branch)? = object["branch"],
              case .string(let baseBranch)? = object["base_branch"], case .string(let baseCommit)? = object["base_commit"]
        else { return nil }
        self.init(clone: clone, branch: branch, baseBranch: baseBranch, baseCommit: baseCommit)
    }
}
