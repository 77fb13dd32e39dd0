import FlotillaCore

/// A JSON value whose strings may be templates: a step's `payload`, rendered into JSON when the
/// step starts.
public indirect enum TemplateValue: Sendable, Hashable {
    /// A value with no template in it.
    case literal(JSONValue)
    case template(Template)
    case array([TemplateValue])
    case object([String: TemplateValue])

    /// The rendered JSON: each template string becomes its value (see ``Template/value(in:)``).
    public func render(in context: ExpressionContext) throws(ExpressionError) -> JSONValue {
        switch self {
        case .literal(let value): return value
        case .template(let template): return try template.value(in: context)
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.render(in: context)) }
            return .array(out)
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, value) in members { out[key] = try value.render(in: context) }
            return .object(out)
        }
    }

    /// Every template inside, depth first.
    public var templates: [Template] {
        switch self {
        case .literal: []
        case .template(let template): [template]
        case .array(let items): items.flatMap(\.templates)
        case .object(let members): members.keys.sorted().flatMap { members[$0]!.templates }
        }
    }
}
