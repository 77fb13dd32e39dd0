import FlotillaCore

/// A parsed expression of the workflow language: an `if:` condition, or what stands between
/// `${{` and `}}` in a template. Parsing checks the syntax, the names and the functions'
/// argument counts; evaluation reads an ``ExpressionContext`` and cannot do anything else.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written (without `${{ }}`).
    public let source: String
    let root: ExpressionNode

    public init(_ source: String) throws(ExpressionError) {
        self.source = source
        self.root = try ExpressionParser.parse(source)
    }

    public var description: String { source }

    /// Whether the expression calls `success()`, `failure()`, `always()` or `cancelled()`.
    public var callsStatusFunction: Bool { root.callsStatusFunction }

    /// The step ids it reads (`steps.build…`), with where each is named in the text.
    public var referencedSteps: [(id: String, offset: Int)] { root.referencedSteps }

    /// Where it reads `steps` without a literal step id, if it does.
    var dynamicStepsOffset: Int? { root.dynamicStepsOffset }

    /// The expression's value.
    public func evaluate(in context: ExpressionContext) throws(ExpressionError) -> JSONValue {
        try root.evaluate(in: context).value
    }

    /// The expression's value as a condition (see ``JSONValue/isTruthy``).
    public func isTrue(in context: ExpressionContext) throws(ExpressionError) -> Bool {
        try evaluate(in: context).isTruthy
    }
}

extension ExpressionNode {
    /// A value, or the elements a `.*` filter selected (a property read then applies to each).
    struct Evaluated {
        var value: JSONValue
        var filtered: Bool = false
    }

    func evaluate(in context: ExpressionContext) throws(ExpressionError) -> Evaluated {
        switch self {
        case .literal(let value, _):
            return Evaluated(value: value)
        case .context(let name, _):
            return Evaluated(value: context.values[name] ?? .null)
        case .property(let base, let name, _):
            let evaluated = try base.evaluate(in: context)
            if evaluated.filtered, case .array(let items) = evaluated.value {
                return Evaluated(value: .array(items.compactMap { Self.member($0, name) }), filtered: true)
            }
            return Evaluated(value: Self.member(evaluated.value, name) ?? .null)
        case .index(let base, let index, _):
            let evaluated = try base.evaluate(in: context)
            let key = try index.evaluate(in: context).value
            if evaluated.filtered, case .array(let items) = evaluated.value {
                return Evaluated(value: .array(items.compactMap { Self.element($0, key) }), filtered: true)
            }
            return Evaluated(value: Self.element(evaluated.value, key) ?? .null)
        case .filter(let base, _):
            let value = try base.evaluate(in: context).value
            switch value {
            case .array(let items): return Evaluated(value: .array(items), filtered: true)
            case .object(let members):
                return Evaluated(value: .array(members.keys.sorted().compactMap { members[$0] }), filtered: true)
            default: return Evaluated(value: .array([]), filtered: true)
            }
        case .not(let operand, _):
            return Evaluated(value: .bool(!(try operand.evaluate(in: context).value.isTruthy)))
        case .binary(let op, let lhs, let rhs, _):
            let left = try lhs.evaluate(in: context).value
            // `&&` and `||` short-circuit and give an operand, not a boolean (as GitHub Actions).
            switch op {
            case .and: return left.isTruthy ? Evaluated(value: try rhs.evaluate(in: context).value) : Evaluated(value: left)
            case .or: return left.isTruthy ? Evaluated(value: left) : Evaluated(value: try rhs.evaluate(in: context).value)
            default: break
            }
            let right = try rhs.evaluate(in: context).value
            let result: Bool
            switch op {
            case .equal: result = left.looselyEquals(right)
            case .notEqual: result = !left.looselyEquals(right)
            case .less: result = left.looseOrder(right) == .ascending
            case .lessOrEqual: result = left.looseOrder(right).map { $0 != .descending } ?? false
            case .greater: result = left.looseOrder(right) == .descending
            case .greaterOrEqual: result = left.looseOrder(right).map { $0 != .ascending } ?? false
            case .and, .or: result = false
            }
            return Evaluated(value: .bool(result))
        case .call(let name, let arguments, let offset):
            var values: [JSONValue] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try argument.evaluate(in: context).value) }
            return Evaluated(value: try ExpressionFunctions.call(name, values, offset: offset, status: context.status))
        }
    }

    /// `value.name`: an object's member (exact, else ignoring case, as GitHub Actions); nil on
    /// anything else.
    static func member(_ value: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let members) = value else { return nil }
        if let exact = members[name] { return exact }
        let lowered = name.lowercased()
        return members.first { $0.key.lowercased() == lowered }?.value
    }

    /// `value[key]`: an array's element at an integer index, an object's member by name.
    static func element(_ value: JSONValue, _ key: JSONValue) -> JSONValue? {
        switch value {
        case .array(let items):
            let number = key.looseNumber
            guard number.isFinite, number.rounded(.towardZero) == number, let index = Int(exactly: number), items.indices.contains(index) else { return nil }
            return items[index]
        case .object:
            return member(value, key.templateText)
        default:
            return nil
        }
    }
}
