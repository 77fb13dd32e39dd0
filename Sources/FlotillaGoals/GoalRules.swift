import FlotillaCore

/// What publication judges a goal's final diff by: the risk rules and the secret allowlist
/// (`--goal-rules FILE`; docs/goals.md). Placeholder with the contract's shape until
/// publication's lands (theirs replaces this file).
public struct GoalRules: Sendable {
    public var risk: RiskRules
    public var secrets: SecretAllowlist

    public init(risk: RiskRules = .standard, secrets: SecretAllowlist = .standard) {
        self.risk = risk
        self.secrets = secrets
    }

    public static let `default` = GoalRules()
}
