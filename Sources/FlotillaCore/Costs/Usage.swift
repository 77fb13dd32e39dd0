/// Tokens and money spent by model calls: one call's delta, an attempt's sum, or a total.
///
/// `inputTokens` counts every input token, those read from a prompt cache included;
/// `cachedTokens` says how many of them came from the cache (a subset, not an addition).
public struct Usage: Sendable, Hashable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedTokens: Int
    public var usd: Double

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cachedTokens: Int = 0, usd: Double = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.usd = usd
    }

    public static let zero = Usage()

    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens, cachedTokens: lhs.cachedTokens + rhs.cachedTokens, usd: lhs.usd + rhs.usd)
    }

    public static func - (lhs: Usage, rhs: Usage) -> Usage {
        Usage(inputTokens: lhs.inputTokens - rhs.inputTokens, outputTokens: lhs.outputTokens - rhs.outputTokens, cachedTokens: lhs.cachedTokens - rhs.cachedTokens, usd: lhs.usd - rhs.usd)
    }

    public static func += (lhs: inout Usage, rhs: Usage) { lhs = lhs + rhs }

    /// The wire members (the `usage` message, `/api/costs` totals, a task's `cost`).
    public enum Field: String, CaseIterable, Sendable {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cachedTokens = "cached_tokens"
        case usd
    }

    /// `{"usd","input_tokens","output_tokens","cached_tokens"}`, USD rounded to micro-dollars.
    public var json: JSONValue {
        .object(members)
    }

    public var members: [String: JSONValue] {
        [
            Field.usd.rawValue: .double(Self.rounded(usd)),
            Field.inputTokens.rawValue: .int(Int64(inputTokens)),
            Field.outputTokens.rawValue: .int(Int64(outputTokens)),
            Field.cachedTokens.rawValue: .int(Int64(cachedTokens)),
        ]
    }

    /// Money to a millionth of a dollar: sums of binary fractions otherwise print as 0.12000000000000001.
    public static func rounded(_ usd: Double) -> Double {
        // A huge amount (a budget of 1e308 dollars) would overflow to infinity, which JSON
        // cannot carry; it has no fractions of a micro-dollar to round away anyway.
        let scaled = usd * 1_000_000
        return scaled.isFinite ? scaled.rounded() / 1_000_000 : usd
    }

    /// Reads the members of ``json`` from an object (missing ones are 0); throws on a
    /// negative or non-numeric member, naming it under `prefix`.
    public init(json: JSONValue, prefix: String = "") throws(FlotillaError) {
        func count(_ field: Field) throws(FlotillaError) -> Int {
            guard let value = json[field.rawValue], !value.isNull else { return 0 }
            guard let number = value.intValue, number >= 0 else {
                throw FlotillaError(.invalidField, "'\(prefix)\(field.rawValue)' must be a whole number of tokens, 0 or more.", field: prefix + field.rawValue)
            }
            return Int(number)
        }
        let usdValue = json[Field.usd.rawValue]
        var usd = 0.0
        if let usdValue, !usdValue.isNull {
            guard let number = usdValue.doubleValue, number >= 0, number.isFinite else {
                throw FlotillaError(.invalidField, "'\(prefix)usd' must be a number of dollars, 0 or more.", field: prefix + "usd")
            }
            usd = number
        }
        self.init(inputTokens: try count(.inputTokens), outputTokens: try count(.outputTokens), cachedTokens: try count(.cachedTokens), usd: usd)
    }

    /// Reads an agent result's `cost` (`{"tokens_in","tokens_out","cached_tokens","usd"}`, as
    /// docs/protocol.md gives it); nil when it has none or it is not an object of numbers.
    public init?(resultCost cost: JSONValue?) {
        guard let cost, cost.objectValue != nil else { return nil }
        let usd = cost["usd"]?.doubleValue ?? 0
        guard usd >= 0, usd.isFinite else { return nil }
        self.init(
            inputTokens: Int(max(0, cost["tokens_in"]?.intValue ?? cost[Field.inputTokens.rawValue]?.intValue ?? 0)),
            outputTokens: Int(max(0, cost["tokens_out"]?.intValue ?? cost[Field.outputTokens.rawValue]?.intValue ?? 0)),
            cachedTokens: Int(max(0, cost[Field.cachedTokens.rawValue]?.intValue ?? 0)),
            usd: usd
        )
    }
}
