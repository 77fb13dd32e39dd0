public import FlotillaCore

extension Engine {
    /// Withdraws pending request `id` because what asked is gone (a prompt left its screen, a
    /// hook asked the same question again): decided `cancelled` (state denied), with `reason`,
    /// through the one mutate → commit → deliver path. Throws `approval_not_found` when nothing
    /// is pending under `id` (decided already, or never asked).
    @discardableResult
    public func withdrawApproval(id: String, reason: String) async throws -> ApprovalRecord {
        try await mutate { scheduler, now in
            try scheduler.withdrawApproval(id: id, reason: reason, now: now)
        }
    }
}
