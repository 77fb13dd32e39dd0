public import FlotillaCore

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
            let subtype = json["subtype"]?.stringValue ?? "success"
            final = Final(
                subtype: subtype,
                isError: json["is_error"]?.boolValue ?? (subtype != "success"),
                result: json["result"]?.stringValue ?? "",
                sessionID: json["session_id"]?.stringValue ?? sessionID,
                numTurns: json["num_turns"]?.intValue.map(Int.init),
                durationMS: json["duration_ms"]?.intValue.map(Int.init),
                cost: Cost(tokensIn: Int(tokensIn), tokensOut: Int(tokensOut), usd: json["total_cost_usd"]?.doubleValue ?? 0),
                usage: usage
            )
            return "claude finished: \(subtype)"
        default:
            return nil
        }
    }

    private mutating func describe(assistant blocks: [JSONValue]) -> String? {
        var message: String?
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.stringValue, !text.isEmpty {
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
