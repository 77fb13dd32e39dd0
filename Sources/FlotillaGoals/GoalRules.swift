public import FlotillaCore

/// How a goal's final diff is reviewed before publication (`flotilla hub --goal-rules FILE`):
/// the risk rules that give it a tier and the secret allowlist of the scan (docs/goals.md,
/// "Review and publication"). Without a file, the defaults: ``RiskRules/standard`` and
/// ``SecretAllowlist/standard``.
public struct GoalRules: Sendable {
    public var risk: RiskRules
    public var secrets: SecretAllowlist

    public init(risk: RiskRules = .standard, secrets: SecretAllowlist = .standard) {
        self.risk = risk
        self.secrets = secrets
    }

    public static let `default` = GoalRules()

    /// The top-level keys of a rules file.
    public static let fields = ["risk", "secrets"]

    /// `{"risk": {…RiskRules(json:)…}, "secrets": {"values", "patterns", "paths"}}`, both optional.
    /// A bad key, glob, regex, tier or number is an `invalid_field` / `unknown_field` /
    /// `missing_field` error whose field is the full path in the file (`risk.paths[0].globs[1]`,
    /// `secrets.patterns[0]`), and nothing is applied.
    public init(json: JSONValue) throws(FlotillaError) {
        guard let object = json.objectValue else {
            throw FlotillaError(.invalidField, "The goal rules must be a mapping with 'risk' and/or 'secrets', got \(json.typeName).", field: "rules")
        }
        if let key = object.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown field '\(key.prefix(80))' in the goal rules; the fields are risk, secrets.", field: key)
        }
        self.init()
        if let value = object["risk"] {
            do { risk = try RiskRules(json: value) } catch { throw Self.nested(error, under: "risk") }
            do { _ = try RiskClassifier(rules: risk) } catch { throw Self.nested(error, under: "risk") }
        }
        if let value = object["secrets"] {
            do { secrets = try SecretAllowlist(json: value) } catch { throw Self.nested(error, under: "secrets") }
            do { _ = try SecretScanner(allowlist: secrets) } catch { throw Self.nested(error, under: "secrets") }
        }
    }

    /// A section's error with the section in front of its field (the message names the place
    /// within the section, as ``RiskRules`` and ``SecretAllowlist`` wrote it).
    static func nested(_ error: FlotillaError, under section: String) -> FlotillaError {
        let field = error.field.map { ["rules", "allowlist", ""].contains($0) ? section : "\(section).\($0)" } ?? section
        return FlotillaError(error.code, error.message, field: field)
    }
}
