public import FlotillaCore

extension Engine {
    /// Records a question, applies the policy's rules; returns the record (pending, or decided
    /// by a rule). `ref` is the asking envelope's id when it came over the agent protocol.
    public func requestApproval(_ q: ApprovalQuestion, agentID: String, role: String?, ref: String?) async throws -> ApprovalRecord {
        throw Self.approvalsNotYet
    }

    /// A person's decision; throws approval_not_found (404) / approval_decided (409, it was
    /// decided already).
    public func decideApproval(id: String, allow: Bool, decider: String?, reason: String?, choice: String?) async throws -> ApprovalRecord {
        throw Self.approvalsNotYet
    }

    public func approvals(_ query: ApprovalQuery) async throws -> [ApprovalRecord] {
        throw Self.approvalsNotYet
    }

    public func approval(id: String) async throws -> ApprovalRecord? {
        throw Self.approvalsNotYet
    }

    /// Waits until decided or the deadline (for the hooks route and `?wait=`); returns the
    /// latest record.
    public func waitForApproval(id: String, until deadline: ContinuousClock.Instant) async throws -> ApprovalRecord? {
        throw Self.approvalsNotYet
    }

    /// Applies the timeout policy to pending requests past `expiresAt` (called by a hub
    /// service every second).
    public func expireApprovals(now: Double) async {}

    /// The rules and timeout policy in force (from `HubConfiguration.approvals`).
    public var approvalPolicy: ApprovalPolicy { configuration.approvals }

    /// Observers of decisions (the tmux pane monitor types keys; hooks wait): called after commit.
    public func onApprovalDecided(_ observer: @escaping @Sendable (ApprovalRecord) -> Void) {}

    // Interface commit only: the bodies land in the next commits.
    static var approvalsNotYet: FlotillaError { FlotillaError(.internalError, "approvals are not implemented yet") }
}
