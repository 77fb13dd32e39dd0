import FlotillaCore

/// The functions an expression may call. Names are matched ignoring case, as GitHub Actions
/// does; none has a side effect.
enum ExpressionFunctions {
    static let statusFunctions: Set<String> = ["success", "failure", "always", "cancelled"]

    /// How many arguments each function takes, by lowercased name.
    static let arity: [String: ClosedRange<Int>] = [
        "contains": 2...2, "startswith": 2...2, "endswith": 2...2,
        "format": 1...Int.max, "join": 1...2, "tojson": 1...1, "fromjson": 1...1,
        "success": 0...0, "failure": 0...0, "always": 0...0, "cancelled": 0...0,
    ]

    /// The documented spelling of each function, for "did you mean".
    static let spelling: [String: String] = [
        "startswith": "startsWith", "endswith": "endsWith", "tojson": "toJSON", "fromjson": "fromJSON",
    ]

    /// Calls `name` (lowercased, its arity checked by the parser) with evaluated arguments.
    static func call(_ name: String, _ arguments: [JSONValue], offset: Int, status: ExpressionContext.Status) throws(ExpressionError) -> JSONValue {
        switch name {
        case "success": return .bool(status.success && !status.cancelled)
        case "failure": return .bool(status.failure)
        case "always": return true
        case "cancelled": return .bool(status.cancelled)
        case "contains":
            if case .array(let items) = arguments[0] {
                return .bool(items.contains { $0.looselyEquals(arguments[1]) })
            }
            return .bool(arguments[0].templateText.lowercased().contains(arguments[1].templateText.lowercased()))
        case "startswith":
            return .bool(arguments[0].templateText.lowercased().hasPrefix(arguments[1].templateText.lowercased()))
        case "endswith":
            return .bool(arguments[0].templateText.lowercased().hasSuffix(arguments[1].templateText.lowercased()))
        case "join":
            let separator = arguments.count > 1 ? arguments[1].templateText : ","
            guard case .array(let items) = arguments[0] else { return .string(arguments[0].templateText) }
            return .string(items.map(\.templateText).joined(separator: separator))
        case "tojson":
            return .string(arguments[0].jsonString)
        case "fromjson":
            guard case .string(let text) = arguments[0] else {
                throw ExpressionError(.evaluation, at: offset, "fromJSON takes a string, got \(arguments[0].typeName).")
            }
            do { return try JSONValue.parse(text) } catch {
                throw ExpressionError(.evaluation, at: offset, "fromJSON: the text is not JSON (\(error.message))")
            }
        case "format":
            return .string(try format(arguments[0].templateText, Array(arguments.dropFirst()), offset: offset))
        default:
            // The parser accepts only names in `arity`.
            throw ExpressionError(.evaluation, at: offset, "Unknown function '\(name)'.")
        }
    }

    /// `format('{0} of {1}', a, b)`: `{N}` is the Nth argument's text; `{{` and `}}` are braces.
    static func format(_ pattern: String, _ arguments: [JSONValue], offset: Int) throws(ExpressionError) -> String {
        var out = ""
        var chars = Array(pattern)[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" {
                    chars.removeFirst()
                    out.append("{")
                    continue
                }
                guard let close = chars.firstIndex(of: "}"), let index = Int(String(chars[chars.startIndex..<close])) else {
                    throw ExpressionError(.evaluation, at: offset, "format: '{' must start '{N}' (N an argument's number) or be doubled as '{{'.")
                }
                guard arguments.indices.contains(index) else {
                    throw ExpressionError(.evaluation, at: offset, "format: '{\(index)}' but only \(arguments.count) argument\(arguments.count == 1 ? "" : "s") follow the pattern.")
                }
                out += arguments[index].templateText
                chars = chars[(close + 1)...]
            } else if c == "}" {
                guard chars.first == "}" else {
                    throw ExpressionError(.evaluation, at: offset, "format: a '}' must close '{N}' or be doubled as '}}'.")
                }
                chars.removeFirst()
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }
}
