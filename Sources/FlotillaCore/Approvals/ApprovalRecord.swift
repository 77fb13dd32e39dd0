/// Where an approval request stands.
public enum ApprovalState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, allowed, denied
}

/// Who decided: a person (through the API, CLI or dashboard), a rule, or the timeout policy;
/// `cancelled` when the asking attempt or agent went away before anyone answered (denied).
public enum ApprovalDecider: String, Sendable, Hashable, Codable, CaseIterable {
    case person, rule, timeout, cancelled
}

/// An approval request as stored (table `approvals`) and shown (API, events, CLI). Decided
/// records are the audit trail: who decided, when and why.
public struct ApprovalRecord: Sendable, Hashable {
    /// "apr_" + 16 lowercase hex, assigned by the hub.
    public var id: String
    public var agentID: String
    public var role: String?
    public var question: ApprovalQuestion
    public var state: ApprovalState
    public var createdAt: Double
    /// `createdAt` + the policy's timeout: when the timeout policy decides it.
    public var expiresAt: Double
    public var decidedAt: Double?
    public var decidedBy: ApprovalDecider?
    /// The token's name for a person; the rule's pattern for a rule.
    public var decider: String?
    /// Why: a person's deny reason, "matched deny rule …", "no answer in 600 s".
    public var reason: String?
    /// The ``ApprovalChoice/key`` picked, when the question had choices.
    public var choice: String?
    /// The asking agent envelope's id (agent protocol), else nil.
    public var ref: String?

    public init(id: String, agentID: String, role: String? = nil, question: ApprovalQuestion, state: ApprovalState = .pending, createdAt: Double, expiresAt: Double, decidedAt: Double? = nil, decidedBy: ApprovalDecider? = nil, decider: String? = nil, reason: String? = nil, choice: String? = nil, ref: String? = nil) {
        self.id = id
        self.agentID = agentID
        self.role = role
        self.question = question
        self.state = state
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.decider = decider
        self.reason = reason
        self.choice = choice
        self.ref = ref
    }

    public var isPending: Bool { state == .pending }

    /// This record decided: allowed or denied, by whom, when and why.
    public func deciding(allow: Bool, by: ApprovalDecider, decider: String?, reason: String?, choice: String?, at now: Double) -> ApprovalRecord {
        var out = self
        out.state = allow ? .allowed : .denied
        out.decidedAt = now
        out.decidedBy = by
        out.decider = decider
        out.reason = reason
        out.choice = choice
        return out
    }

    /// The choice to send back for a decision, when the question has choices: the one asked
    /// for (it must exist and agree with `allow`), else the first that agrees with `allow`.
    public func choiceKey(allow: Bool, requested: String?) throws(FlotillaError) -> String? {
        let choices = question.choices
        if let requested {
            guard let picked = choices.first(where: { $0.key == requested }) else {
                let known = choices.isEmpty ? "this request has no choices" : "its choices are \(choices.map(\.key).joined(separator: ", "))"
                throw FlotillaError(.invalidField, "Unknown choice '\(requested)': \(known).", field: "choice")
            }
            guard picked.allows == allow else {
                throw FlotillaError(.invalidField, "Choice '\(requested)' (\(picked.label)) \(picked.allows ? "allows" : "denies"); it cannot \(allow ? "allow" : "deny").", field: "choice")
            }
            return requested
        }
        return choices.first { $0.allows == allow }?.key
    }
}
