import FlotillaCore

/// Splits an expression's text into tokens. Strings are in single quotes (`''` is a quote
/// inside one); numbers are decimal (with a fraction and exponent) or hexadecimal (`0x1F`);
/// identifiers are letters, digits, `_` and `-` (step ids such as `run-tests`), not starting
/// with a digit or `-`.
struct ExpressionLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    static func tokens(_ text: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(text)
        var out: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            out.append(token)
            if token.kind == .end { return out }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < scalars.count ? scalars[position + ahead] : nil
    }

    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
        let start = position
        guard let c = peek() else { return ExpressionToken(kind: .end, offset: start) }
        func single(_ kind: ExpressionToken.Kind) -> ExpressionToken {
            position += 1
            return ExpressionToken(kind: kind, offset: start)
        }
        func pair(_ second: Unicode.Scalar, _ both: ExpressionToken.Kind, else alone: ExpressionToken.Kind?) throws(ExpressionError) -> ExpressionToken {
            if peek(1) == second {
                position += 2
                return ExpressionToken(kind: both, offset: start)
            }
            guard let alone else {
                throw ExpressionError(.syntax, at: start, "'\(c)' must be followed by '\(second)' (write '\(c)\(second)').")
            }
            return single(alone)
        }
        switch c {
        case "(": return single(.leftParen)
        case ")": return single(.rightParen)
        case "[": return single(.leftBracket)
        case "]": return single(.rightBracket)
        case ",": return single(.comma)
        case "*": return single(.star)
        case ".":
            if let d = peek(1), ("0"..."9").contains(d) { return try number() }
            return single(.dot)
        case "!": return try pair("=", .notEqual, else: .not)
        case "=": return try pair("=", .equal, else: nil)
        case "<": return try pair("=", .lessOrEqual, else: .less)
        case ">": return try pair("=", .greaterOrEqual, else: .greater)
        case "&": return try pair("&", .and, else: nil)
        case "|": return try pair("|", .or, else: nil)
        case "'": return try string()
        case "-", "+", "0"..."9": return try number()
        default:
            guard Self.startsIdentifier(c) else {
                throw ExpressionError(.syntax, at: start, "Unexpected character '\(c)'.")
            }
            while let d = peek(), Self.continuesIdentifier(d) { position += 1 }
            let name = String(String.UnicodeScalarView(scalars[start..<position]))
            switch name {
            case "true": return ExpressionToken(kind: .literal(.bool(true)), offset: start)
            case "false": return ExpressionToken(kind: .literal(.bool(false)), offset: start)
            case "null": return ExpressionToken(kind: .literal(.null), offset: start)
            default: return ExpressionToken(kind: .identifier(name), offset: start)
            }
        }
    }

    static func startsIdentifier(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }

    static func continuesIdentifier(_ c: Unicode.Scalar) -> Bool {
        startsIdentifier(c) || ("0"..."9").contains(c) || c == "-"
    }

    private mutating func string() throws(ExpressionError) -> ExpressionToken {
        let start = position
        position += 1
        var text = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw ExpressionError(.syntax, at: start, "A string is not closed: end it with a single quote.")
            }
            position += 1
            if c == "'" {
                if peek() == "'" {
                    text.append("'")
                    position += 1
                    continue
                }
                return ExpressionToken(kind: .literal(.string(String(text))), offset: start)
            }
            text.append(c)
        }
    }

    private mutating func number() throws(ExpressionError) -> ExpressionToken {
        let start = position
        // A sign belongs to the number only when a digit or '.' follows; '-' alone is no operator.
        if peek() == "-" || peek() == "+" { position += 1 }
        while let c = peek(), Self.continuesIdentifier(c) || c == "." || ((c == "+" || c == "-") && (scalars[position - 1] == "e" || scalars[position - 1] == "E")) {
            position += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Self.parseNumber(text) else {
            throw ExpressionError(.syntax, at: start, "'\(text)' is not a number.")
        }
        return ExpressionToken(kind: .literal(value), offset: start)
    }

    /// A number literal: decimal integer, decimal with fraction or exponent, or `0x` hexadecimal.
    static func parseNumber(_ text: String) -> JSONValue? {
        var body = Substring(text)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            guard let value = Int64(body.dropFirst(2), radix: 16) else { return nil }
            return .int(negative ? -value : value)
        }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }) else {
            return nil
        }
        if body.allSatisfy(\.isNumber), let value = Int64(body) { return .int(negative ? -value : value) }
        guard let value = Double(body), value.isFinite else { return nil }
        return .double(negative ? -value : value)
    }
}
