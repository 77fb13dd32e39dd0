public import FlotillaCore
import FlotillaStore

/// The hub's own initiative's state (FlotillaGoals/Autonomy, docs/goals.md): its findings,
/// committed with their goals, approval requests and events through the one commit path.
extension Engine {
    /// What a proposal committed: the queued goal, the approval request asking a person (nil
    /// when allowed as low-risk; it may come back decided by an approval rule), the finding's row.
    public struct AutonomyProposal: Sendable {
        public var goal: GoalRecord
        public var approval: ApprovalRecord?
        public var finding: AutonomyFindingRecord
    }

    /// Proposes `finding` as a goal, in one commit: the goal (`queued`, `details["autonomy"]`),
    /// the approval request (source `goal_proposal`) unless `askPerson` is false, the finding's
    /// row (`proposed`), `goal.state_changed`, `approval.requested` and `autonomy.decision`.
    /// A crash can never leave a goal without its finding, or a finding without its goal.
    public func proposeAutonomyGoal(_ finding: AutonomyFinding, verify: [String], askPerson: Bool, known: AutonomyFindingRecord?, reason: String) async throws -> AutonomyProposal {
        let now = Timestamp.now()
        var goal = GoalRecord(id: GoalRecord.newID(), title: finding.goalTitle, repo: finding.repo, verify: verify, createdAt: now, updatedAt: now)
        goal.details["autonomy"] = ["origin": "autonomy", "finding": finding.json]
        let question = ApprovalQuestion(
            source: .goalProposal, tool: "Goal", subject: "Goal(\(finding.kind.rawValue): \(finding.summary))",
            detail: "\(finding.goalTitle)\n\nRepository: \(finding.repo)\nFingerprint: \(finding.fingerprint)\n\n\(finding.detail)",
            input: ["goal_id": .string(goal.id), "repo": .string(finding.repo), "kind": .string(finding.kind.rawValue), "fingerprint": .string(finding.fingerprint)],
            readOnly: false
        )
        let proposed = goal
        do {
            return try await mutate { scheduler, now in
                let (_, after) = try goalBook.change(id: proposed.id, now: now) { _, _ in proposed }
                scheduler.recordWorkflow([.saveGoal(after)], events: [Self.goalEvent(before: nil, after: after)], now: now)
                let approval = askPerson ? try scheduler.requestApproval(question, agentID: Self.autonomyAgent, role: nil, ref: nil, now: now) : nil
                var record = AutonomyFindingRecord(proposing: finding, goalID: after.id, approvalID: approval?.id, now: now)
                if let known { record.firstSeen = known.firstSeen }
                let decision = AutonomyDecision(.propose, reason: reason, goalID: after.id, fingerprint: finding.fingerprint, at: now)
                scheduler.recordWorkflow([.saveAutonomyFinding(record)], events: [decision.event], now: now)
                return AutonomyProposal(goal: after, approval: approval, finding: record)
            }
        } catch {
            // Memory may hold a goal the store refused: forget it (nothing was announced).
            goalBook.forget(proposed.id)
            throw error
        }
    }

    /// Who asks a proposal's approval: the hub itself, not an agent.
    public static let autonomyAgent = "hub:autonomy"

    /// Commits the initiative's rows and events (a finding seen again or decided, a state
    /// change, a decision) in one batch; returns once durable.
    public func commitAutonomy(_ writes: [StoreWrite], events: [WorkflowEvent]) async throws(FlotillaError) {
        guard !writes.isEmpty || !events.isEmpty else { return }
        try await mutate { scheduler, now in scheduler.recordWorkflow(writes, events: events, now: now) }
    }

    /// The initiative's findings, most recently seen first, once what memory holds is durable.
    public func autonomyFindings(limit: Int = 10_000) async throws -> [AutonomyFindingRecord] {
        _ = await settled()
        return try await store.autonomyFindings(limit: limit)
    }

    /// Tasks queued, handed out, running, blocked or waiting for a retry: 0 is an idle queue.
    public var busyTaskCount: Int { inspect { $0.busyTaskCount } }

    /// Hands an offline agent's held attempts back to the queue now (healing); returns their
    /// task ids (none when the agent is connected or holds nothing).
    @discardableResult
    public func releaseOfflineAttempts(of agentID: String, reason: String) async throws -> [String] {
        try await mutate { scheduler, now in scheduler.releaseOfflineAttempts(of: agentID, reason: reason, now: now) }
    }
}
