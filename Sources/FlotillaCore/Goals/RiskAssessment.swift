/// How much review a change needs before it merges (issue 25): `low` may auto-merge when that is
/// enabled, `medium` and `high` wait for a person; `high` says why loudly.
public enum RiskTier: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, medium, high

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    public static func < (a: RiskTier, b: RiskTier) -> Bool { a.rank < b.rank }
}

/// One reason a change got (at least) a tier: the rule that fired, and the files it saw.
public struct RiskReason: Sendable, Hashable, CustomStringConvertible {
    /// Stable name of the rule: `docs_tests_only`, `source_change`, `path:<name>`, `size_lines`,
    /// `size_files`, `tests_deleted`, `tests_removed`, `assertions_removed`, `tests_skipped`,
    /// `new_dependencies`, `binary`, `no_changes`.
    public var rule: String
    public var tier: RiskTier
    /// For a person: what was seen, with files and lines.
    public var message: String
    /// The files the rule fired on (may be empty for size rules).
    public var files: [String]

    public init(rule: String, tier: RiskTier, message: String, files: [String] = []) {
        self.rule = rule
        self.tier = tier
        self.message = message
        self.files = files
    }

    public var description: String { "\(tier.rawValue): \(message)" }

    public var json: JSONValue {
        ["rule": .string(rule), "tier": .string(tier.rawValue), "message": .string(message), "files": .array(files.map { .string($0) })]
    }
}

/// The tier of a change and every reason for it, highest tier first.
public struct RiskAssessment: Sendable, Hashable {
    public var tier: RiskTier
    public var reasons: [RiskReason]

    public init(reasons: [RiskReason]) {
        // Stable: rules keep their order within a tier.
        let ordered = reasons.enumerated().sorted { ($0.element.tier, -$0.offset) > ($1.element.tier, -$1.offset) }.map(\.element)
        self.reasons = ordered
        self.tier = ordered.first?.tier ?? .low
    }

    /// `{"tier": "high", "reasons": [{rule, tier, message, files}]}`.
    public var json: JSONValue { ["tier": .string(tier.rawValue), "reasons": .array(reasons.map(\.json))] }
}
