/// An expression that does not parse, or whose evaluation failed, with the position in the
/// expression's text (0-based, in Unicode scalars, as YAML counts columns). The workflow parser
/// turns it into a ``WorkflowError`` with the file, line and column.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The text does not parse (``WorkflowErrorCode/invalidExpression``).
        case syntax
        /// Evaluation failed (``WorkflowErrorCode/evaluationFailed``).
        case evaluation
    }

    public var kind: Kind
    /// Where in the expression's text, 0-based.
    public var offset: Int
    public var message: String

    public init(_ kind: Kind, at offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String { "at character \(offset + 1): \(message)" }

    var code: WorkflowErrorCode { kind == .syntax ? .invalidExpression : .evaluationFailed }
}
