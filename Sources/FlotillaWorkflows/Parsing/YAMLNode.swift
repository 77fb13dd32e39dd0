import FlotillaCore

/// A YAML node with where it starts in the file: what the workflow parser reads, so every
/// error can name a line and a column. Built from Yams' `Node` in ``YAMLNode/compose(_:file:)``,
/// the only place that knows Yams.
struct YAMLNode: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A scalar's text, and whether it was quoted (a quoted `'true'` is a string).
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        /// Pairs in file order (duplicates were refused when composing).
        case mapping([(key: YAMLNode, value: YAMLNode)])

        static func == (lhs: Kind, rhs: Kind) -> Bool {
            switch (lhs, rhs) {
            case (.scalar(let a, let x), .scalar(let b, let y)): a == b && x == y
            case (.sequence(let a), .sequence(let b)): a == b
            case (.mapping(let a), .mapping(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .scalar(let text, let quoted): hasher.combine(text); hasher.combine(quoted)
            case .sequence(let items): hasher.combine(items)
            case .mapping(let pairs): for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
            }
        }
    }

    var kind: Kind
    var location: WorkflowLocation
    /// For a quoted or block scalar: how many columns the text starts right of ``location``
    /// (1 for a quote), or nil when the text does not start on the node's line.
    var textColumnOffset: Int? = 0

    /// The node's YAML type in messages: "a string", "a list", "a mapping".
    var typeName: String {
        switch kind {
        case .scalar(let text, let quoted):
            if quoted { return "a string" }
            switch Self.plainValue(text) {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .double: return "a number"
            default: return "a string"
            }
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The scalar's text when it is a string (quoted, or plain and not a number, boolean or null).
    var string: String? {
        guard case .scalar(let text, let quoted) = kind else { return nil }
        if quoted { return text }
        if case .string = Self.plainValue(text) { return text }
        return nil
    }

    /// The node as JSON: a plain scalar is typed by YAML 1.2's core schema (`true`, `false`,
    /// `null`, `~`, integers, decimals), so `no` and `on` stay strings.
    var json: JSONValue {
        switch kind {
        case .scalar(let text, let quoted): quoted ? .string(text) : Self.plainValue(text)
        case .sequence(let items): .array(items.map(\.json))
        case .mapping(let pairs):
            .object(Dictionary(pairs.map { ($0.key.scalarText ?? "", $0.value.json) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// A scalar's text, whatever its type.
    var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    static func plainValue(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let body = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        if !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(text.first == "+" ? String(body) : text) {
            return .int(value)
        }
        let isDecimal = !body.isEmpty && body.first != "e" && body.first != "E"
            && body.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+") }
            && body.contains(where: \.isNumber)
        if isDecimal, let value = Double(text), value.isFinite { return .double(value) }
        return .string(text)
    }
}
