import FlotillaCore

/// The expression language's loose typing, modelled on GitHub Actions' (documented in
/// docs/workflows.md, "Types and comparisons").
extension JSONValue {
    /// `false`, `0`, `-0`, `NaN`, `''` and `null` are false; everything else (an empty array or
    /// object too) is true.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object: true
        }
    }

    /// The value as a number for comparing values of different types: `null` is 0, `true` 1,
    /// `false` 0, a string its number (`''` is 0, hexadecimal `0x…` too) or NaN, arrays and
    /// objects NaN.
    var looseNumber: Double {
        switch self {
        case .null: return 0
        case .bool(let value): return value ? 1 : 0
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .string(let text):
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty { return 0 }
            return ExpressionLexer.parseNumber(String(trimmed))?.doubleValue ?? .nan
        case .array, .object: return .nan
        }
    }

    private var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }

    /// `==`: values of one type compare as that type (strings ignoring case, arrays and objects
    /// by content); values of different types compare as numbers (``looseNumber``), so
    /// `'1' == 1` and `null == 0` hold and nothing equals NaN.
    func looselyEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.caseInsensitiveEquals(b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.looselyEquals($1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { value.looselyEquals($0) } ?? false }
        default:
            if isNumber, other.isNumber, case .int(let a) = self, case .int(let b) = other { return a == b }
            let a = looseNumber
            let b = other.looseNumber
            return !a.isNaN && !b.isNaN && a == b
        }
    }

    /// `<`, `<=`, `>`, `>=`: two strings compare ignoring case; anything else as numbers. Nil
    /// when the values cannot be ordered (NaN), which makes every comparison false.
    func looseOrder(_ other: JSONValue) -> ComparisonResult? {
        if case .string(let a) = self, case .string(let b) = other {
            let x = a.uppercased()
            let y = b.uppercased()
            return x == y ? .same : (x < y ? .ascending : .descending)
        }
        let a = looseNumber
        let b = other.looseNumber
        guard !a.isNaN, !b.isNaN else { return nil }
        return a == b ? .same : (a < b ? .ascending : .descending)
    }

    enum ComparisonResult { case ascending, same, descending }

    /// The value as text in a template: `null` is empty, numbers without a needless `.0`,
    /// arrays and objects as compact JSON.
    var templateText: String {
        switch self {
        case .null: ""
        case .string(let text): text
        case .bool(let value): value ? "true" : "false"
        case .int, .double, .array, .object: jsonString
        }
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self == other || lowercased() == other.lowercased()
    }

    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[start...end]
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring { String(self).trimmingWhitespace() }
}
