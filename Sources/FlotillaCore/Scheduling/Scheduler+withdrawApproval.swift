extension Scheduler {
    /// Withdraws pending request `id`: what asked went away before anyone answered (a prompt
    /// left its tmux screen; a Claude Code hook asked the same question again). Denied as
    /// `cancelled` with `reason`, like the requests of an attempt that ended. Throws
    /// `approval_not_found` when nothing is pending under `id`; nothing changes then.
    public mutating func withdrawApproval(id: String, reason: String, now: Double) throws(FlotillaError) -> ApprovalRecord {
        guard let record = pendingApprovals[id] else {
            throw FlotillaError(.approvalNotFound, "No pending approval request has id '\(id)'.", field: "id")
        }
        return settle(record, allow: false, by: .cancelled, decider: nil, reason: reason, choice: nil, now: now)
    }
}
