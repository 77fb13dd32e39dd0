public import FlotillaCore
import FlotillaStore

extension Engine {
    /// Records a question, applies the policy's rules; returns the record (pending, or decided
    /// by a rule). `ref` is the asking envelope's id when it came over the agent protocol.
    public func requestApproval(_ q: ApprovalQuestion, agentID: String, role: String?, ref: String?) async throws -> ApprovalRecord {
        try await mutate { scheduler, now in
            try scheduler.requestApproval(q, agentID: agentID, role: role, ref: ref, now: now)
        }
    }

    /// A person's decision; throws approval_not_found (404) / approval_decided (409, it was
    /// decided already), and invalid_field for a choice the question does not offer.
    public func decideApproval(id: String, allow: Bool, decider: String?, reason: String?, choice: String?) async throws -> ApprovalRecord {
        let outcome: Result<ApprovalRecord, FlotillaError> = await withCheckedContinuation { continuation in
            mutate({ scheduler, now in
                try scheduler.decideApproval(id: id, allow: allow, decider: decider, reason: reason, choice: choice, now: now)
            }) { continuation.resume(returning: $0) }
        }
        if case .failure(let error) = outcome, error.code == .approvalNotFound {
            // Pending requests all live in memory: one the store knows was decided already.
            _ = await settled()
            if let stored = try await store.approval(id: id) {
                let how = [stored.decidedBy?.rawValue, stored.decider].compactMap { $0 }.joined(separator: " ")
                throw FlotillaError(.approvalDecided, "Approval request '\(id)' was \(stored.state.rawValue) already (by \(how.isEmpty ? "someone" : how)).", field: "id")
            }
            throw FlotillaError(.approvalNotFound, "No approval request has id '\(id)'.", field: "id")
        }
        return try outcome.get()
    }

    /// Approval requests, newest first, once what memory holds is durable.
    public func approvals(_ query: ApprovalQuery) async throws -> [ApprovalRecord] {
        _ = await settled()
        return try await store.approvals(query)
    }

    public func approval(id: String) async throws -> ApprovalRecord? {
        if let pending = inspect({ $0.pendingApproval(id) }) { return pending }
        _ = await settled()
        return try await store.approval(id: id)
    }

    /// Waits until decided or the deadline (for the hooks route and `?wait=`); returns the
    /// latest record (nil: no such request).
    public func waitForApproval(id: String, until deadline: ContinuousClock.Instant) async throws -> ApprovalRecord? {
        let token = approvalWatch.register(id)
        guard let record = try await approval(id: id), record.isPending, ContinuousClock.now < deadline else {
            approvalWatch.end(id: id, token: token)
            return try await approval(id: id)
        }
        await approvalWatch.wait(for: id, token: token, until: deadline)
        return try await approval(id: id)
    }

    /// Applies the timeout policy to pending requests past `expiresAt` (called by a hub
    /// service every second).
    public func expireApprovals(now: Double) async {
        let due = inspect { scheduler in scheduler.pendingApprovalRecords.contains { $0.expiresAt <= now } }
        guard due else { return }
        _ = try? await mutate { scheduler, _ in scheduler.expireApprovals(now: now) }
    }

    /// The rules and timeout policy in force (from `HubConfiguration.approvals`).
    public var approvalPolicy: ApprovalPolicy { inspect { $0.approvalPolicy } }

    /// Observers of decisions (the tmux pane monitor types keys; hooks wait): called after
    /// commit, for every decision.
    public func onApprovalDecided(_ observer: @escaping @Sendable (ApprovalRecord) -> Void) {
        approvalWatch.observe(observer)
    }
}
