/// A repository the initiative scans (`--autonomy-repo PATH`, the autonomy file's `repos:`):
/// the commands that find work in it, and whether low-risk proposals skip the person.
public struct AutonomyRepo: Sendable, Hashable {
    public var path: String
    /// Its test command (`sh -c`, in the repository): failing → a `failing_tests` finding.
    public var test: String?
    /// Its linter: `path:line: message` lines → `lint` findings, one per file.
    public var lint: String?
    /// Lists outdated dependencies, one per line → `outdated` findings.
    public var outdated: String?
    /// Proposals that are low-risk (a TODO or lint finding in docs or tests) are queued
    /// without asking a person.
    public var allowLowRisk: Bool

    public init(path: String, test: String? = nil, lint: String? = nil, outdated: String? = nil, allowLowRisk: Bool = false) {
        self.path = AutonomyFinding.normalizedRepo(path)
        self.test = test
        self.lint = lint
        self.outdated = outdated
        self.allowLowRisk = allowLowRisk
    }

    public var json: JSONValue {
        [
            "path": .string(path), "test": test.map(JSONValue.string) ?? .null, "lint": lint.map(JSONValue.string) ?? .null,
            "outdated": outdated.map(JSONValue.string) ?? .null, "allow_low_risk": .bool(allowLowRisk),
        ]
    }
}

/// The autonomy file (`--autonomy-file FILE`, YAML or JSON; docs/goals.md):
/// `{"budget_usd"?, "scan_every"?, "repos": [{"path", "test"?, "lint"?, "outdated"?, "allow_low_risk"?}]}`.
/// Every problem is an `invalid_field` / `unknown_field` / `missing_field` error at its place.
public struct AutonomySettings: Sendable, Hashable {
    public var budgetUSD: Double?
    public var scanEvery: Double?
    public var repos: [AutonomyRepo]

    public static let fields = ["budget_usd", "scan_every", "repos"]
    public static let repoFields = ["path", "test", "lint", "outdated", "allow_low_risk"]

    public init(budgetUSD: Double? = nil, scanEvery: Double? = nil, repos: [AutonomyRepo] = []) {
        self.budgetUSD = budgetUSD
        self.scanEvery = scanEvery
        self.repos = repos
    }

    public init(json: JSONValue) throws(FlotillaError) {
        guard let object = json.objectValue else {
            throw FlotillaError(.invalidField, "The autonomy file must hold a mapping with repos, got \(json.typeName).", field: "autonomy")
        }
        try Self.refuseUnknown(object, known: Self.fields, prefix: "")
        if let value = object["budget_usd"], !value.isNull { budgetUSD = try Self.budget(value, field: "budget_usd") }
        if let value = object["scan_every"], !value.isNull { scanEvery = try Self.duration(value, field: "scan_every") }
        repos = []
        if let value = object["repos"], !value.isNull {
            guard let list = value.arrayValue else {
                throw FlotillaError(.invalidField, "'repos' must be a list of {path, test, lint, outdated, allow_low_risk}.", field: "repos")
            }
            for (index, item) in list.enumerated() {
                let field = "repos[\(index)]"
                guard let repo = item.objectValue else {
                    throw FlotillaError(.invalidField, "Each repository is a mapping with a path, got \(item.typeName).", field: field)
                }
                try Self.refuseUnknown(repo, known: Self.repoFields, prefix: field + ".")
                guard let path = repo["path"]?.stringValue, !path.trimmingSpaces.isEmpty else {
                    throw FlotillaError(.missingField, "'\(field).path' is required: the repository's directory.", field: field + ".path")
                }
                func command(_ key: String) throws(FlotillaError) -> String? {
                    guard let value = repo[key], !value.isNull else { return nil }
                    guard let text = value.stringValue, !text.trimmingSpaces.isEmpty, !text.contains(where: \.isNewline), text.count <= 1_000 else {
                        throw FlotillaError(.invalidField, "'\(field).\(key)' must be one shell command line of at most 1000 characters.", field: "\(field).\(key)")
                    }
                    return text
                }
                var allow = false
                if let value = repo["allow_low_risk"], !value.isNull {
                    guard let flag = value.boolValue else {
                        throw FlotillaError(.invalidField, "'\(field).allow_low_risk' must be true or false.", field: field + ".allow_low_risk")
                    }
                    allow = flag
                }
                let entry = AutonomyRepo(path: path, test: try command("test"), lint: try command("lint"), outdated: try command("outdated"), allowLowRisk: allow)
                guard !repos.contains(where: { $0.path == entry.path }) else {
                    throw FlotillaError(.invalidField, "Repository '\(entry.path)' is listed twice.", field: field + ".path")
                }
                repos.append(entry)
            }
        }
    }

    /// A day budget: more than 0 and at most 1,000,000 US dollars.
    public static func budget(_ value: JSONValue, field: String) throws(FlotillaError) -> Double {
        guard let amount = value.doubleValue, amount.isFinite, amount >= 0, amount <= 1_000_000 else {
            throw FlotillaError(.invalidField, "'\(field)' must be a number of US dollars from 0 to 1000000, got \(value.jsonString).", field: field)
        }
        return amount
    }

    /// Seconds: a number, or `N` + `s|m|h|d` (`90s`, `30m`, `6h`, `1d`), from 1 s to 30 days.
    public static func duration(_ value: JSONValue, field: String) throws(FlotillaError) -> Double {
        var seconds = value.doubleValue
        if seconds == nil, let text = value.stringValue?.trimmingSpaces, let last = text.last {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
            if let unit = units[last], let amount = Double(text.dropLast()) { seconds = amount * unit } else { seconds = Double(text) }
        }
        guard let seconds, seconds.isFinite, AutonomyPolicy.scanEveryRange.contains(seconds) else {
            throw FlotillaError(.invalidField, "'\(field)' must be a duration from 1 s to 30 days (3600, \"90s\", \"30m\", \"6h\", \"1d\"), got \(value.stringValue.map { "'\($0)'" } ?? value.jsonString).", field: field)
        }
        return seconds
    }

    private static func refuseUnknown(_ object: [String: JSONValue], known: [String], prefix: String) throws(FlotillaError) {
        if let key = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown key '\(key)'; known: \(known.joined(separator: ", ")).", field: prefix + key)
        }
    }
}
