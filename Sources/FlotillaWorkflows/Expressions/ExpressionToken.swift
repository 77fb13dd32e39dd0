import FlotillaCore

/// One token of an expression, with where it starts.
struct ExpressionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case leftParen, rightParen, leftBracket, rightBracket, dot, comma, star
        case not, and, or
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case identifier(String)
        /// A number, `true`, `false`, `null` or a quoted string.
        case literal(JSONValue)
        case end
    }

    var kind: Kind
    var offset: Int

    /// How the token reads in an error message.
    var spelled: String {
        switch kind {
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .dot: "'.'"
        case .comma: "','"
        case .star: "'*'"
        case .not: "'!'"
        case .and: "'&&'"
        case .or: "'||'"
        case .equal: "'=='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .lessOrEqual: "'<='"
        case .greater: "'>'"
        case .greaterOrEqual: "'>='"
        case .identifier(let name): "'\(name)'"
        case .literal(let value): value.stringValue.map { "'\($0)'" } ?? "\(value)"
        case .end: "the end of the expression"
        }
    }
}
