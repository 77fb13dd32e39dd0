import FlotillaCore
import Foundation

extension GoalWorkspaces {
    /// What ``removeDirectory(goalID:reason:force:)`` found.
    public enum RemovalOutcome: Sendable, Hashable {
        /// The directory is gone.
        case removed(WorkspaceRemoval)
        /// Agents still work in worktrees of the clone (their paths): nothing was touched.
        case busy([String])
        /// There is no directory for this goal (or the name there is not a directory).
        case absent
    }

    /// The goal ids that have a directory under the root. Only entries named like a goal id
    /// (``GoalRecord/isValidID(_:)``) that are directories themselves count: a symbolic link, a
    /// file, `repo.partial` or any other name is never a goal's and never touched.
    public func goalDirectories() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { GoalRecord.isValidID($0) && Self.isRealDirectory("\(root)/\($0)") }.sorted()
    }

    /// The worktrees of the goal's clone that agents are working in: registered in the clone
    /// (`.git/worktrees/*/gitdir`) and still on disk, other than the merge worktree. Agents
    /// remove their worktree when an attempt ends (also a cancelled one), so an entry here is
    /// an attempt still running, or one whose agent died before it could clean up.
    public func agentWorktrees(goalID: String) -> [String] {
        guard GoalRecord.isValidID(goalID) else { return [] }
        let directory = "\(root)/\(goalID)"
        let admin = "\(directory)/repo/.git/worktrees"
        // git records absolute, resolved paths; the root may be relative or reached through a link.
        let inside = (Self.resolved(directory) ?? directory) + "/"
        var live: [String] = []
        for entry in ((try? FileManager.default.contentsOfDirectory(atPath: admin)) ?? []).sorted() {
            // `gitdir` holds the worktree's `.git` file path.
            guard let text = try? String(contentsOfFile: "\(admin)/\(entry)/gitdir", encoding: .utf8) else { continue }
            let dotGit = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard dotGit.hasSuffix("/.git") else { continue }
            let path = String(dotGit.dropLast("/.git".count))
            // The merge worktree (anything under the goal's own directory) goes with it.
            guard FileManager.default.fileExists(atPath: dotGit), !((Self.resolved(path) ?? path) + "/").hasPrefix(inside) else { continue }
            live.append(path)
        }
        return live
    }

    /// Removes `<root>/<goal id>` and everything under it (the clone, the merge worktree, the
    /// lock files), holding the goal's prepare lock and the clone's lock (the one agents take
    /// to add or remove worktrees), so no clone, `git worktree` call or merge is cut off half
    /// way. While agents still work in worktrees of the clone nothing is touched (`.busy`)
    /// unless `force` (their agents are gone). Symbolic links under the directory are removed
    /// as links: nothing outside it is followed or touched.
    ///
    /// - Throws: ``GoalError`` `goal_invalid` for an id that is not the hub's shape;
    ///   `goal_git_failed` when the directory cannot be removed (what was removed stays removed).
    public func removeDirectory(goalID: String, reason: WorkspaceRemoval.Reason, force: Bool = false) async throws -> RemovalOutcome {
        guard GoalRecord.isValidID(goalID) else {
            throw GoalError(.invalidGoal, "Goal id '\(goalID.prefix(80))' is not g_ and 16 lowercase hex digits; nothing is removed for it.", field: "id")
        }
        let directory = "\(root)/\(goalID)"
        guard Self.isRealDirectory(directory) else { return .absent }
        return try await CloneLock.withLock(path: "\(directory)/prepare.lock") {
            let clone = "\(directory)/repo"
            let body: @Sendable () async throws -> RemovalOutcome = {
                let agents = agentWorktrees(goalID: goalID)
                if !agents.isEmpty, !force { return .busy(agents) }
                let bytes = DiskUsage.freed(by: directory)
                do {
                    try FileManager.default.removeItem(atPath: directory)
                } catch {
                    throw GoalError(.gitFailed, "Cannot remove goal \(goalID)'s directory \(directory): \(error.localizedDescription)")
                }
                return .removed(WorkspaceRemoval(goalID: goalID, path: directory, bytes: bytes, reason: reason))
            }
            guard Self.isRealDirectory("\(clone)/.git") else { return try await body() }
            return try await CloneLock.withLock(path: Self.lockPath(clone: clone), body)
        }
    }

    /// The path with every symbolic link resolved (nil when it does not exist).
    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// A directory, not a symbolic link to one.
    static func isRealDirectory(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
