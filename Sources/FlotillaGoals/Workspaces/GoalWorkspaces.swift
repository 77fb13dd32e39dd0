public import FlotillaCore
import Foundation

/// The hub's own clone of each goal's repository, `<root>/<goal id>/repo`, with the goal branch
/// `flotilla/goal-<id>` made from the repository's default branch. Agents work in this clone (a
/// step task's `repo` is its path, its payload `base` the goal branch), so nothing reaches the
/// goal's real remote before publication. The merge worktree `<root>/<goal id>/merge` is where
/// the merge queue merges and verify commands run.
///
/// Everything is on disk: a hub that restarts finds the clone, the branch and its base again
/// (the base is kept in the clone's git config, `flotilla.goalBaseBranch` / `goalBaseCommit`).
public struct GoalWorkspaces: Sendable {
    /// `<data dir>/goals`.
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Clones the goal's repository (once) and makes the goal branch from its default branch
    /// (once); idempotent, also after a crash half-way. The caller records the answer as the
    /// goal's `details["branch"]` (``GoalBranchInfo/json(head:)``) through `Engine.updateGoal`.
    ///
    /// - Throws: ``GoalError`` `goal_invalid`, `goal_clone_failed`, `goal_no_default_branch`,
    ///   `goal_git_failed`.
    public func prepare(_ goal: GoalRecord) async throws -> GoalBranchInfo {
        let directory = try self.directory(goal)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try await CloneLock.withLock(path: "\(directory)/prepare.lock") {
            let clone = "\(directory)/repo"
            if !FileManager.default.fileExists(atPath: "\(clone)/.git") {
                try await cloneRepository(goal, into: clone, directory: directory)
            }
            return try await CloneLock.withLock(path: Self.lockPath(clone: clone)) {
                try await makeBranch(goal, clone: clone)
            }
        }
    }

    /// Runs git in the goal's clone (or its merge worktree), holding the clone's lock; git's
    /// standard output, trimmed.
    ///
    /// - Throws: ``GoalError`` `goal_git_failed` quoting git's own message.
    @discardableResult
    public func git(_ goal: GoalRecord, _ arguments: [String], inMergeWorktree: Bool = false) async throws -> String {
        let outcome = try await gitOutcome(goal, arguments, inMergeWorktree: inMergeWorktree)
        guard outcome.succeeded else { throw Self.gitError(arguments, outcome) }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The merge worktree, detached at the goal branch's tip, clean (an unfinished merge
    /// aborted, changes and untracked files removed; ignored files such as build outputs stay):
    /// where merges and verify commands run. The goal branch itself moves only when the merge
    /// queue fast-forwards it to a verified merge.
    public func mergeWorktree(_ goal: GoalRecord) async throws -> String {
        let directory = try self.directory(goal)
        let clone = "\(directory)/repo", path = "\(directory)/merge"
        return try await CloneLock.withLock(path: Self.lockPath(clone: clone)) {
            if FileManager.default.fileExists(atPath: "\(path)/.git") {
                _ = await Self.run(["merge", "--abort"], in: path)
                try await Self.runChecked(["checkout", "--quiet", "--force", "--detach", goal.branch], in: path)
                try await Self.runChecked(["clean", "--quiet", "-fd"], in: path)
            } else {
                try? FileManager.default.removeItem(atPath: path)
                _ = await Self.run(["worktree", "prune"], in: clone)
                try await Self.runChecked(["worktree", "add", "--quiet", "--detach", "--", path, goal.branch], in: clone)
            }
            return path
        }
    }

    /// The clone's path (whether or not it exists yet).
    public func clonePath(_ goal: GoalRecord) throws -> String {
        "\(try directory(goal))/repo"
    }

    // MARK: - Inside

    /// Runs git holding the clone's lock; the outcome whatever the exit status (a merge that
    /// conflicts is an answer, not an error).
    func gitOutcome(_ goal: GoalRecord, _ arguments: [String], inMergeWorktree: Bool = false, timeout: Double = 300) async throws -> GoalCommand.Outcome {
        let directory = try self.directory(goal)
        let clone = "\(directory)/repo"
        guard FileManager.default.fileExists(atPath: "\(clone)/.git") else {
            throw GoalError(.gitFailed, "Goal \(goal.id) has no clone at \(clone): prepare it first.")
        }
        let place = inMergeWorktree ? "\(directory)/merge" : clone
        return try await CloneLock.withLock(path: Self.lockPath(clone: clone)) {
            await Self.run(arguments, in: place, timeout: timeout)
        }
    }

    /// `<root>/<goal id>`, refusing an id that is not the hub's own shape (it becomes a path).
    func directory(_ goal: GoalRecord) throws -> String {
        guard Self.isGoalID(goal.id) else {
            throw GoalError(.invalidGoal, "Goal id '\(goal.id.prefix(80))' is not g_ and 16 lowercase hex digits; no clone is made for it.", field: "id")
        }
        return "\(root)/\(goal.id)"
    }

    static func isGoalID(_ id: String) -> Bool { GoalRecord.isValidID(id) }

    /// The lock agents take on the same repository (`<git common dir>/flotilla.lock`).
    static func lockPath(clone: String) -> String { "\(clone)/.git/flotilla.lock" }
}
