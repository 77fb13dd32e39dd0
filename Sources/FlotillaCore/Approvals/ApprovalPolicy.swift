/// Rules that decide approval requests without a person, and what happens when nobody answers
/// (`flotilla hub --approvals FILE`, the fleet file's `approvals:`; docs/approvals.md).
public struct ApprovalPolicy: Sendable, Hashable {
    /// Regexes over ``ApprovalQuestion/subject`` for the agents it applies to.
    public struct Rule: Sendable, Hashable {
        /// Applies to agents of this role (nil: any).
        public var role: String?
        /// Applies to this agent id / fleet agent name (nil: any).
        public var agent: String?
        /// Searched in the subject, not whole-matched: users anchor with `^…$` when they want.
        public var allow: [String]
        /// As `allow`; a deny match wins over every allow.
        public var deny: [String]

        public init(role: String? = nil, agent: String? = nil, allow: [String] = [], deny: [String] = []) {
            self.role = role
            self.agent = agent
            self.allow = allow
            self.deny = deny
        }

        func applies(agentID: String, role agentRole: String?) -> Bool {
            (role == nil || role == agentRole) && (agent == nil || agent == agentID)
        }
    }

    /// What the timeout decides: deny, or allow only read-only questions (and deny the rest).
    public enum TimeoutAction: String, Sendable, Hashable, Codable, CaseIterable {
        case deny
        case allowReadOnly = "allow_read_only"
    }

    public var rules: [Rule]
    /// Seconds a request waits for a person, ``timeoutRange``.
    public var timeout: Double
    public var onTimeout: TimeoutAction

    public static let timeoutRange: ClosedRange<Double> = 1...86_400
    /// No rules, 600 s, deny.
    public static let standard = ApprovalPolicy()

    public init(rules: [Rule] = [], timeout: Double = 600, onTimeout: TimeoutAction = .deny) {
        self.rules = rules
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    /// The rule decision for a question from (agentID, role): denied if any applicable rule's
    /// deny pattern matches the subject, else allowed if any applicable allow pattern does, else
    /// nil (a person decides). `pattern` is the one that matched.
    public func decide(_ q: ApprovalQuestion, agentID: String, role: String?) -> (allowed: Bool, pattern: String)? {
        let applicable = rules.filter { $0.applies(agentID: agentID, role: role) }
        for rule in applicable {
            if let pattern = rule.deny.first(where: { Self.matches($0, q.subject) }) { return (false, pattern) }
        }
        for rule in applicable {
            if let pattern = rule.allow.first(where: { Self.matches($0, q.subject) }) { return (true, pattern) }
        }
        return nil
    }

    /// What the timeout policy decides for a question nobody answered: allowed or not.
    public func timeoutAllows(_ q: ApprovalQuestion) -> Bool {
        onTimeout == .allowReadOnly && q.readOnly
    }

    /// Patterns were checked when the policy was read; one that does not compile matches nothing.
    static func matches(_ pattern: String, _ subject: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return subject.contains(regex)
    }
}
