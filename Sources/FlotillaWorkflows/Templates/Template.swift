import FlotillaCore

/// A string with `${{ expression }}` parts, parsed once when the file is read. Rendering
/// replaces each part with its value's text; a template that is one part and nothing else
/// renders to the value itself (``value(in:)``), so `payload: {count: "${{ inputs.n }}"}` keeps
/// a number a number.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        case text(String)
        /// An expression and where its text starts in the template (in Unicode scalars).
        case expression(Expression, offset: Int)
    }

    public let source: String
    public let parts: [Part]

    public var description: String { source }

    /// Whether the template holds no expression (its text is its value).
    public var isLiteral: Bool { !parts.contains { if case .expression = $0 { true } else { false } } }

    /// Parses `${{ … }}` parts. `${{` without its `}}` is an error; a `}}` inside a quoted string
    /// of the expression does not end it.
    public init(_ source: String) throws(ExpressionError) {
        self.source = source
        let scalars = Array(source.unicodeScalars)
        var parts: [Part] = []
        var text = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "$", i + 2 < scalars.count, scalars[i + 1] == "{", scalars[i + 2] == "{" {
                let open = i
                let start = i + 3
                var j = start
                var inString = false
                var close: Int?
                while j < scalars.count {
                    if scalars[j] == "'" { inString.toggle() }
                    if !inString, scalars[j] == "}", j + 1 < scalars.count, scalars[j + 1] == "}" {
                        close = j
                        break
                    }
                    j += 1
                }
                guard let close else {
                    throw ExpressionError(.syntax, at: open, "'${{' is not closed by '}}'.")
                }
                let body = String(String.UnicodeScalarView(scalars[start..<close]))
                do {
                    let expression = try Expression(body)
                    if !text.isEmpty {
                        parts.append(.text(String(text)))
                        text = String.UnicodeScalarView()
                    }
                    parts.append(.expression(expression, offset: start))
                } catch {
                    throw ExpressionError(error.kind, at: start + error.offset, error.message)
                }
                i = close + 2
            } else {
                text.append(scalars[i])
                i += 1
            }
        }
        if !text.isEmpty { parts.append(.text(String(text))) }
        self.parts = parts
    }

    /// The template's text with each expression replaced by its value's text
    /// (``JSONValue/templateText``: `null` is empty, objects are JSON).
    public func render(in context: ExpressionContext) throws(ExpressionError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .expression(let expression, let offset):
                do { out += try expression.evaluate(in: context).templateText } catch {
                    throw ExpressionError(error.kind, at: offset + error.offset, error.message)
                }
            }
        }
        return out
    }

    /// The value of a template that is a single `${{ }}` and nothing else (any JSON value);
    /// otherwise the rendered string.
    public func value(in context: ExpressionContext) throws(ExpressionError) -> JSONValue {
        if let (expression, offset) = soleExpression {
            do { return try expression.evaluate(in: context) } catch {
                throw ExpressionError(error.kind, at: offset + error.offset, error.message)
            }
        }
        return .string(try render(in: context))
    }

    /// The template's one expression when nothing but spaces surrounds it.
    private var soleExpression: (Expression, Int)? {
        var found: (Expression, Int)?
        for part in parts {
            switch part {
            case .text(let text):
                guard text.trimmingWhitespace().isEmpty else { return nil }
            case .expression(let expression, let offset):
                guard found == nil else { return nil }
                found = (expression, offset)
            }
        }
        return found
    }

    /// Every expression in the template, with where it starts.
    public var expressions: [(expression: Expression, offset: Int)] {
        parts.compactMap { if case .expression(let e, let offset) = $0 { (e, offset) } else { nil } }
    }
}
