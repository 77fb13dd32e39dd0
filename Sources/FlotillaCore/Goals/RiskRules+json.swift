/// Rules from JSON (a hub's or a repository's configuration): every key is optional and
/// replaces that part of ``RiskRules/standard``:
/// `{"low_risk": [glob…], "paths": [{"name", "tier", "globs": […]}…],
///   "size": {"medium_lines", "high_lines", "high_files"},
///   "tests": {"globs", "functions", "assertions", "skips"}, "dependency_manifests": [glob…]}`.
/// A bad glob, regex, tier or number, or an unknown key, is an `invalid_field` error at its
/// place (`paths[1].globs[0]`), and nothing is applied.
extension RiskRules {
    static let fields = ["low_risk", "paths", "size", "tests", "dependency_manifests"]

    public init(json: JSONValue) throws(FlotillaError) {
        self = .standard
        let object = try Self.object(json, at: "")
        try Self.refuseUnknown(object, known: Self.fields, at: "")
        if let value = object["low_risk"] { lowRisk = try Self.globs(value, at: "low_risk") }
        if let value = object["paths"] {
            guard let items = value.arrayValue else { throw Self.wrong("paths", "a list of {name, tier, globs}", value) }
            paths = []
            for (index, item) in items.enumerated() {
                let at = "paths[\(index)]"
                let rule = try Self.object(item, at: at)
                try Self.refuseUnknown(rule, known: ["name", "tier", "globs"], at: at)
                guard let name = rule["name"]?.stringValue, !name.isEmpty, name.count <= 64 else {
                    throw FlotillaError(.invalidField, "'\(at).name' must be a name of 1 to 64 characters.", field: "\(at).name")
                }
                var tier = RiskTier.high
                if let raw = rule["tier"] {
                    guard let text = raw.stringValue, let parsed = RiskTier(rawValue: text) else {
                        throw FlotillaError(.invalidField, "'\(at).tier' must be low, medium or high.", field: "\(at).tier")
                    }
                    tier = parsed
                }
                guard let globs = rule["globs"] else {
                    throw FlotillaError(.missingField, "'\(at)' needs 'globs'.", field: "\(at).globs")
                }
                paths.append(PathRule(name: name, tier: tier, globs: try Self.globs(globs, at: "\(at).globs")))
            }
        }
        if let value = object["size"] {
            let size = try Self.object(value, at: "size")
            try Self.refuseUnknown(size, known: ["medium_lines", "high_lines", "high_files"], at: "size")
            if let n = size["medium_lines"] { mediumLines = try Self.count(n, at: "size.medium_lines") }
            if let n = size["high_lines"] { highLines = try Self.count(n, at: "size.high_lines") }
            if let n = size["high_files"] { highFiles = try Self.count(n, at: "size.high_files") }
            guard mediumLines <= highLines else {
                throw FlotillaError(.invalidField, "'size.medium_lines' (\(mediumLines)) must not be above 'size.high_lines' (\(highLines)).", field: "size.medium_lines")
            }
        }
        if let value = object["tests"] {
            let tests = try Self.object(value, at: "tests")
            try Self.refuseUnknown(tests, known: ["globs", "functions", "assertions", "skips"], at: "tests")
            if let list = tests["globs"] { self.tests.globs = try Self.globs(list, at: "tests.globs") }
            if let list = tests["functions"] { self.tests.functions = try Self.patterns(list, at: "tests.functions") }
            if let list = tests["assertions"] { self.tests.assertions = try Self.patterns(list, at: "tests.assertions") }
            if let list = tests["skips"] { self.tests.skips = try Self.patterns(list, at: "tests.skips") }
        }
        if let value = object["dependency_manifests"] { dependencyManifests = try Self.globs(value, at: "dependency_manifests") }
    }

    /// The rules as JSON, in the shape ``init(json:)`` reads (every key given).
    public var json: JSONValue {
        func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
        return [
            "low_risk": strings(lowRisk),
            "paths": .array(paths.map { ["name": .string($0.name), "tier": .string($0.tier.rawValue), "globs": strings($0.globs)] }),
            "size": ["medium_lines": .int(Int64(mediumLines)), "high_lines": .int(Int64(highLines)), "high_files": .int(Int64(highFiles))],
            "tests": ["globs": strings(tests.globs), "functions": strings(tests.functions), "assertions": strings(tests.assertions), "skips": strings(tests.skips)],
            "dependency_manifests": strings(dependencyManifests),
        ]
    }

    private static func object(_ value: JSONValue, at path: String) throws(FlotillaError) -> [String: JSONValue] {
        guard let object = value.objectValue else { throw wrong(path.isEmpty ? "rules" : path, "an object", value) }
        return object
    }

    private static func refuseUnknown(_ object: [String: JSONValue], known: [String], at path: String) throws(FlotillaError) {
        if let key = object.keys.sorted().first(where: { !known.contains($0) }) {
            let field = path.isEmpty ? key : "\(path).\(key)"
            throw FlotillaError(.unknownField, "Unknown field '\(field.prefix(80))'; the fields are \(known.joined(separator: ", ")).", field: field)
        }
    }

    private static func strings(_ value: JSONValue, at path: String) throws(FlotillaError) -> [String] {
        guard let items = value.arrayValue else { throw wrong(path, "a list of strings", value) }
        var out: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else { throw wrong("\(path)[\(index)]", "a string", item) }
            out.append(text)
        }
        return out
    }

    private static func globs(_ value: JSONValue, at path: String) throws(FlotillaError) -> [String] {
        let list = try strings(value, at: path)
        for (index, glob) in list.enumerated() { _ = try PathGlob(glob, caseInsensitive: true, field: "\(path)[\(index)]") }
        return list
    }

    private static func patterns(_ value: JSONValue, at path: String) throws(FlotillaError) -> [String] {
        let list = try strings(value, at: path)
        for (index, pattern) in list.enumerated() { _ = try RiskPattern(pattern, field: "\(path)[\(index)]") }
        return list
    }

    private static func count(_ value: JSONValue, at path: String) throws(FlotillaError) -> Int {
        guard let number = value.intValue, number >= 1, number <= 10_000_000 else {
            throw FlotillaError(.invalidField, "'\(path)' must be a whole number from 1 to 10000000.", field: path)
        }
        return Int(number)
    }

    private static func wrong(_ path: String, _ expected: String, _ got: JSONValue) -> FlotillaError {
        FlotillaError(.invalidField, "'\(path)' must be \(expected), got \(got.typeName).", field: path)
    }
}
