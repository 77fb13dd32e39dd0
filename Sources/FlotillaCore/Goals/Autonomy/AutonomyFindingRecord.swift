/// A finding as the hub remembers it (table `autonomy_findings`, migration `v11-autonomy`):
/// keyed by fingerprint, so a finding seen again is the same row, and a rejected one stays
/// rejected across restarts.
public struct AutonomyFindingRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// A goal was proposed for it (waiting for approval, or approved and queued or running).
        case proposed
        /// A person (or an approval rule) said no, or cancelled its goal: never proposed again.
        case rejected
        /// Its goal finished (`done`): not proposed again within the cooldown.
        case done
        /// Its goal failed, or nobody answered its approval in time: not again within the cooldown.
        case failed
    }

    public var fingerprint: String
    public var repo: String
    public var kind: AutonomyFinding.Kind
    public var summary: String
    public var status: Status
    public var goalID: String?
    /// The approval request that asked a person (nil when allowed as low-risk).
    public var approvalID: String?
    public var firstSeen: Double
    public var lastSeen: Double
    /// When it was rejected, done or failed (nil while proposed).
    public var decidedAt: Double?

    public init(fingerprint: String, repo: String, kind: AutonomyFinding.Kind, summary: String, status: Status, goalID: String? = nil, approvalID: String? = nil, firstSeen: Double, lastSeen: Double, decidedAt: Double? = nil) {
        self.fingerprint = fingerprint
        self.repo = repo
        self.kind = kind
        self.summary = summary
        self.status = status
        self.goalID = goalID
        self.approvalID = approvalID
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.decidedAt = decidedAt
    }

    /// The record of a finding proposed now as goal `goalID`.
    public init(proposing finding: AutonomyFinding, goalID: String, approvalID: String?, now: Double) {
        self.init(fingerprint: finding.fingerprint, repo: finding.repo, kind: finding.kind, summary: finding.summary, status: .proposed,
                  goalID: goalID, approvalID: approvalID, firstSeen: now, lastSeen: now)
    }

    /// This record ended as `status` at `now`.
    public func deciding(_ status: Status, at now: Double) -> AutonomyFindingRecord {
        var out = self
        out.status = status
        out.decidedAt = now
        return out
    }

    public var json: JSONValue {
        [
            "fingerprint": .string(fingerprint), "repo": .string(repo), "kind": .string(kind.rawValue), "summary": .string(summary),
            "status": .string(status.rawValue), "goal_id": goalID.map(JSONValue.string) ?? .null,
            "approval_id": approvalID.map(JSONValue.string) ?? .null,
            "first_seen": .double(firstSeen), "last_seen": .double(lastSeen), "decided_at": decidedAt.map(JSONValue.double) ?? .null,
        ]
    }
}
