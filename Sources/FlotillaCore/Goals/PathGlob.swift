/// A path pattern relative to a repository, matched component by component: `*` is any run of
/// characters within one component, `?` one character, `[a-z]` / `[!a-z]` one of (or none of)
/// a set, `{md,txt}` alternatives, and a `**` component any number of components, none
/// included (`**/Dockerfile` matches `Dockerfile` and `infra/web/Dockerfile`). Patterns are
/// anchored at the repository's root; a trailing `/` means "everything under" (`docs/` is
/// `docs/**`). Risk rules and file sets use it.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    public let caseInsensitive: Bool
    /// One segment list per brace alternative.
    let alternatives: [[GlobSegment]]

    /// Most alternatives braces may expand to.
    public static let maxAlternatives = 256

    public var description: String { pattern }

    /// Compiles `pattern`; an empty one, an unclosed `[` or `{`, or too many alternatives is an
    /// `invalid_field` error (on `field`).
    public init(_ pattern: String, caseInsensitive: Bool = false, field: String = "glob") throws(FlotillaError) {
        let normalized = Self.normalize(pattern)
        guard !normalized.isEmpty else {
            throw FlotillaError(.invalidField, "A path pattern is empty: use '**' for every file.", field: field)
        }
        var expanded: [String] = []
        do { expanded = try Self.expandBraces(normalized) } catch {
            throw FlotillaError(.invalidField, "The path pattern '\(pattern.prefix(120))' \(error.reason).", field: field)
        }
        var alternatives: [[GlobSegment]] = []
        for text in expanded {
            var segments: [GlobSegment] = []
            for component in text.split(separator: "/") {
                guard let segment = GlobSegment(component, caseInsensitive: caseInsensitive) else {
                    throw FlotillaError(.invalidField, "The path pattern '\(pattern.prefix(120))' has a '[' that is not closed by ']'.", field: field)
                }
                segments.append(segment)
            }
            alternatives.append(segments)
        }
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        self.alternatives = alternatives
    }

    /// A pattern that matches `path` itself (and, for file sets, what is under it): no wildcard.
    public init(literal path: String) {
        self.pattern = path
        self.caseInsensitive = false
        let components = Self.components(path).map { GlobSegment.literal(Array(String($0))) }
        self.alternatives = [components.isEmpty ? [.anyDepth] : components]
    }

    /// Whether `path` (relative, `/`-separated) matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        let components = Self.components(path).map { Array(String($0)) }
        return alternatives.contains { Self.match($0[...], components[...]) }
    }

    private static func match(_ segments: ArraySlice<GlobSegment>, _ components: ArraySlice<[Character]>) -> Bool {
        guard let first = segments.first else { return components.isEmpty }
        if case .anyDepth = first {
            // `**` takes none, one, two… components.
            var rest = components
            while true {
                if match(segments.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let component = components.first, first.matches(component) else { return false }
        return match(segments.dropFirst(), components.dropFirst())
    }

    /// A path's components, without empty and `.` ones.
    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/").filter { $0 != "." }
    }

    /// Whether an alternative has no wildcard: a path, which for file sets also names what is
    /// under it.
    static func isLiteral(_ segments: [GlobSegment]) -> Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// Without `./` at the front, repeated or trailing slashes (a trailing `/` becomes `/**`),
    /// and `.` components; `.` and `` name the whole repository (`**`).
    static func normalize(_ path: String) -> String {
        let folder = path.hasSuffix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        if parts.isEmpty { return path.isEmpty ? "" : "**" }
        return parts.joined(separator: "/") + (folder ? "/**" : "")
    }

    struct BraceError: Error { var reason: String }

    /// `a/{b,c}/*.{md,txt}` → four patterns. Nested braces are expanded from the inside.
    static func expandBraces(_ text: String) throws(BraceError) -> [String] {
        let characters = Array(text)
        guard let open = characters.firstIndex(of: "{") else {
            if characters.contains("}") { throw BraceError(reason: "has a '}' without its '{'") }
            return [text]
        }
        var depth = 0
        var close: Int?
        var commas: [Int] = []
        for index in open..<characters.count {
            switch characters[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { close = index }
            case "," where depth == 1: commas.append(index)
            default: break
            }
            if close != nil { break }
        }
        guard let close else { throw BraceError(reason: "has a '{' that is not closed by '}'") }
        let head = String(characters[..<open])
        let tail = String(characters[(close + 1)...])
        let bounds = [open] + commas + [close]
        var out: [String] = []
        for index in 0..<(bounds.count - 1) {
            let option = String(characters[(bounds[index] + 1)..<bounds[index + 1]])
            out += try expandBraces(head + option + tail)
            guard out.count <= maxAlternatives else { throw BraceError(reason: "expands to more than \(maxAlternatives) alternatives") }
        }
        return out
    }
}
