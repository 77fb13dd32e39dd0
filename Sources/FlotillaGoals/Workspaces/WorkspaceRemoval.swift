public import FlotillaCore

/// A goal's directory (`<data dir>/goals/<id>`: its clone, the merge worktree, everything
/// under it) removed, and why: what the `goal.workspace_removed` event says.
public struct WorkspaceRemoval: Sendable, Hashable {
    /// Why a goal's directory may go (``WorkspaceVerdict``).
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The goal is done: its branch was pushed and its pull request opened.
        case done
        /// The goal was cancelled (its run and tasks with it).
        case cancelled
        /// The goal failed longer ago than the hub's retention age (`--retention-days`).
        case expired
        /// No goal with this id is stored (deleted, or never this hub's).
        case unknown
    }

    public var goalID: String
    public var path: String
    /// What the removal gave back to the disk: the blocks of everything under the directory,
    /// hard-linked files only when no link to them is left outside it.
    public var bytes: Int64
    public var reason: Reason

    public init(goalID: String, path: String, bytes: Int64, reason: Reason) {
        self.goalID = goalID
        self.path = path
        self.bytes = bytes
        self.reason = reason
    }

    /// The event's `data`: `{goal_id, path, bytes, reason}`.
    public var eventData: [String: JSONValue] {
        ["goal_id": .string(goalID), "path": .string(path), "bytes": .int(bytes), "reason": .string(reason.rawValue)]
    }
}

/// Whether a goal's directory stays or goes (docs/goals.md, "Cleaning up"): pure, so a sweep
/// and a test decide alike. Only a final goal's directory ever goes: `done` and `cancelled` at
/// once, `failed` once older than the retention age (a person may inspect the clone, and
/// `goal retry` reuses it, until then), and a directory whose goal the store does not know.
public enum WorkspaceVerdict: Sendable, Hashable {
    case keep
    case remove(WorkspaceRemoval.Reason)

    /// - Parameters:
    ///   - goal: the stored goal; nil when the store has none with this id.
    ///   - maxAge: the retention age in seconds (nil: failed goals keep their clone).
    ///   - now: seconds since 1970, as ``GoalRecord/endedAt``.
    public static func of(_ goal: GoalRecord?, maxAge: Double?, now: Double) -> WorkspaceVerdict {
        guard let goal else { return .remove(.unknown) }
        switch goal.state {
        case .done: return .remove(.done)
        case .cancelled: return .remove(.cancelled)
        case .failed:
            // Aged from when it failed (a late record a stage writes moves updatedAt, not that).
            guard let maxAge, now - (goal.endedAt ?? goal.updatedAt) > maxAge else { return .keep }
            return .remove(.expired)
        case .queued, .planning, .awaitingApproval, .executing, .verifying, .review:
            return .keep
        }
    }
}
