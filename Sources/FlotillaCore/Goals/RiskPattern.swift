/// A regular expression of a rule (risk rules, secret allowlists), compiled once.
// Unchecked: `Regex<AnyRegexOutput>` is not Sendable, but a compiled pattern is never mutated
// and matching does not change it.
struct RiskPattern: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>

    /// Compiles `source`; a pattern that does not compile is an `invalid_field` error on `field`.
    init(_ source: String, field: String) throws(FlotillaError) {
        do {
            regex = try Regex(source)
        } catch {
            throw FlotillaError(.invalidField, "'\(source.prefix(120))' is not a valid regular expression: \(error)", field: field)
        }
        self.source = source
    }

    /// Whether the pattern occurs anywhere in `text`.
    func occurs(in text: String) -> Bool { (try? regex.firstMatch(in: text)) != nil }
}

/// Path globs of a rule, matched without regard to case against a path or any of its folders.
struct GlobList: Sendable {
    let globs: [PathGlob]

    init(_ patterns: [String], field: String) throws(FlotillaError) {
        var globs: [PathGlob] = []
        for (index, pattern) in patterns.enumerated() {
            globs.append(try PathGlob(pattern, caseInsensitive: true, field: "\(field)[\(index)]"))
        }
        self.globs = globs
    }

    /// Whether a glob matches `path` or a folder above it.
    func matches(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        guard !components.isEmpty else { return false }
        for end in stride(from: components.count, through: 1, by: -1) {
            let prefix = components[..<end].joined(separator: "/")
            if globs.contains(where: { $0.matches(prefix) }) { return true }
        }
        return false
    }
}
