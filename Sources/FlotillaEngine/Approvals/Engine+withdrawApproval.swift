public import FlotillaCore

extension Engine {
    /// Withdraws pending request `id` because what asked is gone (a prompt left its screen, a
    /// hook asked the same question again): decided `cancelled` (state denied), with `reason`.
    /// Throws approval_not_found / approval_decided as ``decideApproval(id:allow:decider:reason:choice:)``.
    public func withdrawApproval(id: String, reason: String) async throws -> ApprovalRecord {
        throw Self.approvalsNotYet
    }
}
