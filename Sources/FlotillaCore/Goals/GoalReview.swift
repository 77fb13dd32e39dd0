/// The review of a goal's final diff before anything is pushed (issue 25 item 4): its risk tier
/// with every reason, the secrets found on its added lines, and its size. Any secret blocks
/// publication. Pure: the diff comes parsed, the rules compiled.
public struct GoalReview: Sendable, Hashable {
    public var assessment: RiskAssessment
    public var secrets: [SecretFinding]
    public var files: Int
    public var added: Int
    public var removed: Int

    public init(diff: UnifiedDiff, classifier: RiskClassifier, scanner: SecretScanner) {
        assessment = classifier.classify(diff)
        secrets = scanner.scan(diff)
        files = diff.files.count
        added = diff.addedLineCount
        removed = diff.removedLineCount
    }

    public var tier: RiskTier { assessment.tier }
    /// A secret on an added line: nothing may be pushed.
    public var blocked: Bool { !secrets.isEmpty }

    /// Only the low tier may auto-merge, and only when a person enabled it.
    public func autoMerges(enabled: Bool) -> Bool { enabled && !blocked && tier == .low }

    /// Why publication was blocked, one line per finding with its place (`config/aws.env:3:
    /// aws_access_key_id: AWS_KEY=AKIA…[redacted]`); the excerpt never holds the secret.
    public var blockReason: String {
        let places = secrets.prefix(20).map(\.description).joined(separator: "; ")
        let more = secrets.count > 20 ? "; and \(secrets.count - 20) more" : ""
        return "secret scan blocked publication (nothing was pushed): \(places)\(more)"
    }

    /// The goal's `details["review"]`: `{"tier", "reasons", "secrets": [{file, line, kind,
    /// excerpt}], "blocked", "diff": {files, added, removed}, "pr_url", "auto_merge"}`.
    public func json(prURL: String?, autoMerge: Bool) -> JSONValue {
        [
            "tier": .string(tier.rawValue), "reasons": .array(assessment.reasons.map(\.json)),
            "secrets": .array(secrets.map(\.json)), "blocked": .bool(blocked),
            "diff": ["files": .int(Int64(files)), "added": .int(Int64(added)), "removed": .int(Int64(removed))],
            "pr_url": prURL.map(JSONValue.string) ?? .null, "auto_merge": .bool(autoMerge),
        ]
    }

    /// The `goal.reviewed` event's data: `{goal_id, tier, reasons, secrets, blocked, pr_url}`.
    public func event(goalID: String, prURL: String?) -> [String: JSONValue] {
        [
            "goal_id": .string(goalID), "tier": .string(tier.rawValue), "reasons": .array(assessment.reasons.map(\.json)),
            "secrets": .array(secrets.map(\.json)), "blocked": .bool(blocked), "pr_url": prURL.map(JSONValue.string) ?? .null,
        ]
    }
}
