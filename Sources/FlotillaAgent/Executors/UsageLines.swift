public import FlotillaCore

/// A usage line a shell task prints to report what its own model calls cost:
/// `::flotilla-usage {"usd":0.04,"input_tokens":1200,"output_tokens":300,"cached_tokens":0,"model":"m"}`
/// on stdout, one per call (a delta). The shell executor reports each to the usage meter and
/// sums them into the attempt's final cost, so a script that calls a model can be budgeted
/// like any LLM executor (docs/costs.md).
public enum UsageLines {
    public static let prefix = "::flotilla-usage "

    /// The cost a line reports, or nil when it is not a usage line (or not a valid one).
    public static func cost(in line: String) -> (cost: Cost, model: String?)? {
        guard line.hasPrefix(prefix), let json = try? JSONValue.parse(String(line.dropFirst(prefix.count))),
              json.objectValue != nil, let usage = try? Usage(json: json) else { return nil }
        return (Cost(tokensIn: usage.inputTokens, tokensOut: usage.outputTokens, usd: usage.usd, cachedTokens: usage.cachedTokens), json["model"]?.stringValue)
    }
}
