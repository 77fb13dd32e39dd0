import FlotillaCore

/// Recursive descent over the tokens, lowest precedence first:
/// `||`, `&&`, `== !=`, `< <= > >=`, `!`, then property access, index and calls.
struct ExpressionParser {
    /// Expressions longer than this are refused: they are conditions and templates, not programs.
    static let maxLength = 4096
    /// Deepest nesting of the tree (parentheses, operators, calls), so no input can exhaust the stack.
    static let maxDepth = 64

    private let tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    private init(tokens: [ExpressionToken]) { self.tokens = tokens }

    static func parse(_ text: String) throws(ExpressionError) -> ExpressionNode {
        let length = text.unicodeScalars.count
        guard length <= maxLength else {
            throw ExpressionError(.syntax, at: 0, "The expression is \(length) characters long; at most \(maxLength) are allowed.")
        }
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        if parser.current.kind == .end {
            throw ExpressionError(.syntax, at: 0, "The expression is empty.")
        }
        let node = try parser.orExpression()
        guard parser.current.kind == .end else {
            throw ExpressionError(.syntax, at: parser.current.offset, "Unexpected \(parser.current.spelled) after a complete expression.")
        }
        return node
    }

    private var current: ExpressionToken { tokens[position] }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if token.kind != .end { position += 1 }
        return token
    }

    private mutating func expect(_ kind: ExpressionToken.Kind, _ what: String) throws(ExpressionError) {
        guard current.kind == kind else {
            throw ExpressionError(.syntax, at: current.offset, "Expected \(what), found \(current.spelled).")
        }
        position += 1
    }

    private mutating func deeper(_ offset: Int) throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maxDepth else {
            throw ExpressionError(.syntax, at: offset, "The expression nests deeper than \(Self.maxDepth) levels.")
        }
    }

    private mutating func orExpression() throws(ExpressionError) -> ExpressionNode {
        var node = try andExpression()
        while current.kind == .or {
            let token = advance()
            node = .binary(.or, node, try andExpression(), offset: token.offset)
        }
        return node
    }

    private mutating func andExpression() throws(ExpressionError) -> ExpressionNode {
        var node = try equality()
        while current.kind == .and {
            let token = advance()
            node = .binary(.and, node, try equality(), offset: token.offset)
        }
        return node
    }

    private mutating func equality() throws(ExpressionError) -> ExpressionNode {
        var node = try comparison()
        while true {
            let op: ExpressionNode.BinaryOperator
            switch current.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            default: return node
            }
            let token = advance()
            node = .binary(op, node, try comparison(), offset: token.offset)
        }
    }

    private mutating func comparison() throws(ExpressionError) -> ExpressionNode {
        var node = try unary()
        while true {
            let op: ExpressionNode.BinaryOperator
            switch current.kind {
            case .less: op = .less
            case .lessOrEqual: op = .lessOrEqual
            case .greater: op = .greater
            case .greaterOrEqual: op = .greaterOrEqual
            default: return node
            }
            let token = advance()
            node = .binary(op, node, try unary(), offset: token.offset)
        }
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        guard current.kind == .not else { return try postfix() }
        let token = advance()
        try deeper(token.offset)
        defer { depth -= 1 }
        return .not(try unary(), offset: token.offset)
    }

    private mutating func postfix() throws(ExpressionError) -> ExpressionNode {
        var node = try primary()
        while true {
            switch current.kind {
            case .dot:
                let dot = advance()
                switch current.kind {
                case .identifier(let name):
                    _ = advance()
                    node = .property(node, name, offset: dot.offset)
                case .literal(.bool(let flag)):
                    // `a.true`: a property that happens to be spelt like a keyword.
                    _ = advance()
                    node = .property(node, flag ? "true" : "false", offset: dot.offset)
                case .literal(.null):
                    _ = advance()
                    node = .property(node, "null", offset: dot.offset)
                case .star:
                    _ = advance()
                    node = .filter(node, offset: dot.offset)
                default:
                    throw ExpressionError(.syntax, at: current.offset, "Expected a property name after '.', found \(current.spelled).")
                }
            case .leftBracket:
                let bracket = advance()
                try deeper(bracket.offset)
                if current.kind == .star {
                    _ = advance()
                    try expect(.rightBracket, "']'")
                    node = .filter(node, offset: bracket.offset)
                } else {
                    let index = try orExpression()
                    try expect(.rightBracket, "']' to close the '[' at character \(bracket.offset + 1)")
                    node = .index(node, index, offset: bracket.offset)
                }
                depth -= 1
            default:
                return node
            }
        }
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        let token = advance()
        switch token.kind {
        case .literal(let value):
            return .literal(value, offset: token.offset)
        case .leftParen:
            try deeper(token.offset)
            let inner = try orExpression()
            try expect(.rightParen, "')' to close the '(' at character \(token.offset + 1)")
            depth -= 1
            return inner
        case .identifier(let name):
            if current.kind == .leftParen { return try call(name, at: token.offset) }
            guard ExpressionContext.names.contains(name) else {
                let known = ExpressionContext.names.sorted().joined(separator: ", ")
                let hint = Suggestion.closest(to: name, among: ExpressionContext.names).map { " (did you mean '\($0)'?)" } ?? ""
                throw ExpressionError(.syntax, at: token.offset, "Unknown name '\(name)'\(hint): an expression reads \(known), or calls a function.")
            }
            return .context(name, offset: token.offset)
        case .end:
            throw ExpressionError(.syntax, at: token.offset, "The expression ends where a value is expected.")
        default:
            throw ExpressionError(.syntax, at: token.offset, "Expected a value, found \(token.spelled).")
        }
    }

    private mutating func call(_ name: String, at offset: Int) throws(ExpressionError) -> ExpressionNode {
        guard let arity = ExpressionFunctions.arity[name.lowercased()] else {
            let names = ExpressionFunctions.arity.keys
            let hint = Suggestion.closest(to: name.lowercased(), among: Set(names)).map { " (did you mean '\(ExpressionFunctions.spelling[$0] ?? $0)'?)" } ?? ""
            throw ExpressionError(.syntax, at: offset, "Unknown function '\(name)'\(hint).")
        }
        try deeper(offset)
        defer { depth -= 1 }
        _ = advance()  // '('
        var arguments: [ExpressionNode] = []
        if current.kind != .rightParen {
            while true {
                arguments.append(try orExpression())
                guard current.kind == .comma else { break }
                _ = advance()
            }
        }
        try expect(.rightParen, "')' or ',' in the arguments of '\(name)'")
        guard arity.contains(arguments.count) else {
            let wanted = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : arity.upperBound == Int.max ? "at least \(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            throw ExpressionError(.syntax, at: offset, "'\(name)' takes \(wanted) argument\(arity.upperBound == 1 ? "" : "s"), got \(arguments.count).")
        }
        return .call(name.lowercased(), arguments, offset: offset)
    }
}
