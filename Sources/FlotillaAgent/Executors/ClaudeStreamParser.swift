public import FlotillaCore
import Foundation

/// Reads Claude Code's `--output-format stream-json --verbose` output, one JSON object per line:
/// a `system`/`init` line, then `assistant` and `user` messages (text, `tool_use`,
/// `tool_result` content blocks), and a final `result` line with the answer, `session_id`,
/// `num_turns`, `total_cost_usd` and `usage`.
public struct ClaudeStreamParser: Sendable {
    /// The final `result` line, once seen.
    public struct Final: Sendable, Hashable {
        public var subtype: String
        public var isError: Bool
        public var result: String
        public var sessionID: String?
        public var numTurns: Int?
        public var durationMS: Int?
        public var cost: Cost
        public var usage: JSONValue?
    }

    public private(set) var sessionID: String?
    public private(set) var model: String?
    public private(set) var final: Final?
    public private(set) var toolUses = 0
    /// The last assistant text, the summary when the stream ends without a result line.
    public private(set) var lastText: String?
    /// Usage counted so far per API message id: Claude Code writes one `assistant` line per
    /// content block, each repeating its message's `usage` (the last one authoritative), so
    /// only what a line adds over the previous line of its message is new.
    private var counted: [String: Cost] = [:]
    /// Usage the last line added (for the usage meter), taken by ``takeUsage()``.
    private var unreported: Cost?
    /// When Claude Code said the subscription's usage limit is reached: the reset time it
    /// gave (`Claude AI usage limit reached|<epoch seconds>`).
    public private(set) var usageLimitResetsAt: Double?

    public init() {}

    /// Takes one line; returns a progress message for it, if it is worth one.
    public mutating func consume(_ line: String) -> String? {
        guard line.first == "{", let json = try? JSONValue.parse(line), let type = json["type"]?.stringValue else {
            return nil
        }
        if let session = json["session_id"]?.stringValue { sessionID = session }
        switch type {
        case "system":
            guard json["subtype"]?.stringValue == "init" else { return nil }
            model = json["model"]?.stringValue
            return "claude session \(sessionID ?? "?") started" + (model.map { " (\($0))" } ?? "")
        case "assistant":
            countUsage(of: json["message"])
            return describe(assistant: json["message"]?["content"]?.arrayValue ?? [])
        case "user":
            let blocks = json["message"]?["content"]?.arrayValue ?? []
            let failed = blocks.filter { $0["type"]?.stringValue == "tool_result" && $0["is_error"]?.boolValue == true }
            return failed.isEmpty ? nil : "tool result: error"
        case "result":
            let usage = json["usage"]
            let tokensIn = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
                .compactMap { usage?[$0]?.intValue }.reduce(0, +)
            let tokensOut = usage?["output_tokens"]?.intValue ?? 0
            let cached = usage?["cache_read_input_tokens"]?.intValue ?? 0
            if let text = json["result"]?.stringValue { noticeUsageLimit(in: text) }
            let subtype = json["subtype"]?.stringValue ?? "success"
            final = Final(
                subtype: subtype,
                isError: json["is_error"]?.boolValue ?? (subtype != "success"),
                result: json["result"]?.stringValue ?? "",
                sessionID: json["session_id"]?.stringValue ?? sessionID,
                numTurns: json["num_turns"]?.intValue.map(Int.init),
                durationMS: json["duration_ms"]?.intValue.map(Int.init),
                cost: Cost(tokensIn: Int(tokensIn), tokensOut: Int(tokensOut), usd: json["total_cost_usd"]?.doubleValue ?? 0, cachedTokens: Int(cached)),
                usage: usage
            )
            return "claude finished: \(subtype)"
        default:
            return nil
        }
    }

    /// Returns (and forgets) the usage the lines read since the last call added.
    public mutating func takeUsage() -> Cost? {
        defer { unreported = nil }
        return unreported
    }

    /// Counts an assistant line's `message.usage`: tokens only, since Claude Code prices a run
    /// only in its final `total_cost_usd` (which then replaces what was streamed).
    private mutating func countUsage(of message: JSONValue?) {
        guard let message, let usage = message["usage"], usage.objectValue != nil else { return }
        let input = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].compactMap { usage[$0]?.intValue }.reduce(0, +)
        let now = Cost(tokensIn: Int(input), tokensOut: Int(usage["output_tokens"]?.intValue ?? 0), cachedTokens: Int(usage["cache_read_input_tokens"]?.intValue ?? 0))
        let id = message["id"]?.stringValue ?? "line-\(counted.count)"
        let before = counted[id] ?? Cost()
        let added = Cost(tokensIn: max(0, now.tokensIn - before.tokensIn), tokensOut: max(0, now.tokensOut - before.tokensOut), cachedTokens: max(0, now.cachedTokens - before.cachedTokens))
        counted[id] = Cost(tokensIn: max(now.tokensIn, before.tokensIn), tokensOut: max(now.tokensOut, before.tokensOut), cachedTokens: max(now.cachedTokens, before.cachedTokens))
        guard added.tokensIn > 0 || added.tokensOut > 0 else { return }
        unreported = (unreported ?? Cost()) + added
    }

    /// Reads Claude Code's subscription limit notice, `Claude AI usage limit reached|1749924000`.
    mutating func noticeUsageLimit(in text: String) {
        guard let range = text.range(of: "usage limit reached|") else { return }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        if let epoch = Double(digits) { usageLimitResetsAt = epoch }
    }

    private mutating func describe(assistant blocks: [JSONValue]) -> String? {
        var message: String?
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.stringValue, !text.isEmpty {
                    noticeUsageLimit(in: text)
                    lastText = text
                    message = String(text.prefix(200))
                }
            case "tool_use":
                toolUses += 1
                let name = block["name"]?.stringValue ?? "tool"
                let input = block["input"]
                let detail = input?["command"]?.stringValue ?? input?["file_path"]?.stringValue ?? input?["pattern"]?.stringValue
                message = "tool: \(name)" + (detail.map { " \(String($0.prefix(160)))" } ?? "")
            default:
                continue
            }
        }
        return message
    }
}
