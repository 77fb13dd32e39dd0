/// What the secret scanner lets through: exact values (a documented example key), regular
/// expressions matched against a found value, and path globs of files never scanned (test
/// fixtures). A line holding `flotilla:allow-secret` is let through too.
public struct SecretAllowlist: Sendable, Hashable {
    public var values: [String]
    public var patterns: [String]
    public var paths: [String]

    public init(values: [String] = [], patterns: [String] = [], paths: [String] = []) {
        self.values = values
        self.patterns = patterns
        self.paths = paths
    }

    /// The marker that allows the secrets of its line.
    public static let inlineMarker = "flotilla:allow-secret"

    /// AWS's documented example keys, which appear in docs and tests everywhere.
    public static let standard = SecretAllowlist(values: ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"])

    /// `{"values": […], "patterns": […], "paths": […]}`, each optional; the standard values are
    /// kept. A bad regex or glob, a non-string or an unknown key is an `invalid_field` error at
    /// its place (`patterns[1]`), and nothing is applied.
    public init(json: JSONValue) throws(FlotillaError) {
        guard let object = json.objectValue else {
            throw FlotillaError(.invalidField, "The secret allowlist must be an object {values, patterns, paths}, got \(json.typeName).", field: "allowlist")
        }
        if let key = object.keys.sorted().first(where: { !["values", "patterns", "paths"].contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown field '\(key.prefix(80))' in the secret allowlist; the fields are values, patterns, paths.", field: key)
        }
        func strings(_ field: String) throws(FlotillaError) -> [String] {
            guard let value = object[field] else { return [] }
            guard let items = value.arrayValue else {
                throw FlotillaError(.invalidField, "'\(field)' must be a list of strings, got \(value.typeName).", field: field)
            }
            var out: [String] = []
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue, !text.isEmpty else {
                    throw FlotillaError(.invalidField, "'\(field)[\(index)]' must be a non-empty string.", field: "\(field)[\(index)]")
                }
                out.append(text)
            }
            return out
        }
        self.init(values: Self.standard.values + (try strings("values")), patterns: try strings("patterns"), paths: try strings("paths"))
        for (index, pattern) in patterns.enumerated() { _ = try RiskPattern(pattern, field: "patterns[\(index)]") }
        for (index, path) in paths.enumerated() { _ = try PathGlob(path, caseInsensitive: true, field: "paths[\(index)]") }
    }
}
