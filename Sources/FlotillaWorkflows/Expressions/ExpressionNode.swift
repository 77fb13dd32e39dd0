import FlotillaCore

/// A parsed expression: the tree the evaluator walks. Each node keeps where it starts in the
/// text, for evaluation errors.
indirect enum ExpressionNode: Sendable, Hashable {
    case literal(JSONValue, offset: Int)
    /// A top-level name: `inputs`, `steps`, `trigger`, `matrix`, `run`.
    case context(String, offset: Int)
    /// `base.name`.
    case property(ExpressionNode, String, offset: Int)
    /// `base[index]`.
    case index(ExpressionNode, ExpressionNode, offset: Int)
    /// `base.*`: the property that follows applies to each element (`steps.*.outcome`).
    case filter(ExpressionNode, offset: Int)
    case not(ExpressionNode, offset: Int)
    case binary(BinaryOperator, ExpressionNode, ExpressionNode, offset: Int)
    case call(String, [ExpressionNode], offset: Int)

    enum BinaryOperator: String, Sendable, Hashable {
        case and = "&&", or = "||"
        case equal = "==", notEqual = "!="
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    var offset: Int {
        switch self {
        case .literal(_, let offset), .context(_, let offset), .property(_, _, let offset), .index(_, _, let offset),
             .filter(_, let offset), .not(_, let offset), .binary(_, _, _, let offset), .call(_, _, let offset):
            offset
        }
    }

    /// Whether a status function (`success()`, `failure()`, `always()`, `cancelled()`) is called
    /// anywhere in the tree: a condition without one is read as `success() && (…)`.
    var callsStatusFunction: Bool {
        switch self {
        case .literal, .context: false
        case .property(let base, _, _), .filter(let base, _), .not(let base, _): base.callsStatusFunction
        case .index(let base, let index, _): base.callsStatusFunction || index.callsStatusFunction
        case .binary(_, let lhs, let rhs, _): lhs.callsStatusFunction || rhs.callsStatusFunction
        case .call(let name, let arguments, _):
            ExpressionFunctions.statusFunctions.contains(name.lowercased()) || arguments.contains(where: \.callsStatusFunction)
        }
    }

    /// The step ids the tree reads as `steps.<id>` or `steps['<id>']`.
    var referencedSteps: [(id: String, offset: Int)] {
        switch self {
        // The offset is the id's own: after the dot, or the quoted index.
        case .property(.context(let name, _), let id, let offset) where name == "steps":
            [(id, offset + 1)]
        case .index(.context(let name, _), .literal(.string(let id), let offset), _) where name == "steps":
            [(id, offset)]
        case .literal, .context: []
        case .property(let base, _, _), .filter(let base, _), .not(let base, _): base.referencedSteps
        case .index(let base, let index, _): base.referencedSteps + index.referencedSteps
        case .binary(_, let lhs, let rhs, _): lhs.referencedSteps + rhs.referencedSteps
        case .call(_, let arguments, _): arguments.flatMap(\.referencedSteps)
        }
    }

    /// Where the tree reads `steps` other than by a literal id (`steps.*`, `steps[name]`), or
    /// nil: a step reads only the steps it names, so the file can be checked.
    var dynamicStepsOffset: Int? {
        switch self {
        case .context(let name, let offset): name == "steps" ? offset : nil
        case .property(.context("steps", _), _, _): nil
        case .index(.context("steps", _), .literal(.string, _), _): nil
        case .literal: nil
        case .property(let base, _, _), .filter(let base, _), .not(let base, _): base.dynamicStepsOffset
        case .index(let base, let index, _): base.dynamicStepsOffset ?? index.dynamicStepsOffset
        case .binary(_, let lhs, let rhs, _): lhs.dynamicStepsOffset ?? rhs.dynamicStepsOffset
        case .call(_, let arguments, _): arguments.lazy.compactMap(\.dynamicStepsOffset).first
        }
    }
}
