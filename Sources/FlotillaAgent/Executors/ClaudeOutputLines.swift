import Foundation
public import FlotillaCore

/// Turns Claude Code's stream-json lines into what a person watching the attempt reads: the
/// assistant's text, each tool use as `▸ Tool(args…)`, tool results shortened under it, and the
/// final line, rather than raw JSON. Lines that are not stream-json pass through unchanged.
public enum ClaudeOutputLines {
    /// Longest tool argument shown.
    static let argumentLength = 120
    /// Lines and characters per line shown of a tool result.
    static let resultLines = 3
    static let resultLength = 160

    /// The readable lines for one line of output (none for lines worth nothing to a reader).
    public static func lines(for line: String) -> [String] {
        guard line.first == "{" else { return [line] }
        guard let json = try? JSONValue.parse(line), let type = json["type"]?.stringValue else {
            // A message longer than a line is read whole (cut at 4 KiB): not worth raw JSON.
            return ["… (a claude message of \(line.utf8.count)+ bytes, not shown)"]
        }
        switch type {
        case "system":
            guard json["subtype"]?.stringValue == "init" else { return [] }
            return ["● claude session \(json["session_id"]?.stringValue ?? "?")" + (json["model"]?.stringValue.map { " (\($0))" } ?? "")]
        case "assistant":
            return (json["message"]?["content"]?.arrayValue ?? []).flatMap(assistant)
        case "user":
            return (json["message"]?["content"]?.arrayValue ?? []).flatMap(toolResult)
        case "result":
            let subtype = json["subtype"]?.stringValue ?? "success"
            var facts: [String] = []
            if let turns = json["num_turns"]?.intValue { facts.append("\(turns) turns") }
            if let cost = json["total_cost_usd"]?.doubleValue { facts.append("$" + String(format: "%.4f", cost)) }
            return ["● claude finished: \(subtype)" + (facts.isEmpty ? "" : " (\(facts.joined(separator: ", ")))")]
        default:
            return []
        }
    }

    private static func assistant(_ block: JSONValue) -> [String] {
        switch block["type"]?.stringValue {
        case "text":
            guard let text = block["text"]?.stringValue, !text.isEmpty else { return [] }
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case "tool_use":
            let name = block["name"]?.stringValue ?? "tool"
            let input = block["input"]
            let argument = ["command", "file_path", "pattern", "path", "url", "description"].lazy.compactMap { input?[$0]?.stringValue }.first
                ?? input.map { $0.jsonString } ?? ""
            return ["▸ \(name)(\(shortened(argument.replacingOccurrences(of: "\n", with: " "), to: argumentLength)))"]
        default:
            return []
        }
    }

    private static func toolResult(_ block: JSONValue) -> [String] {
        guard block["type"]?.stringValue == "tool_result" else { return [] }
        let content = block["content"]
        let text = content?.stringValue
            ?? (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        let lines = text.split(separator: "\n").map(String.init)
        let failed = block["is_error"]?.boolValue == true
        var out = lines.prefix(resultLines).enumerated().map { index, line in
            (index == 0 ? (failed ? "  ⎿ error: " : "  ⎿ ") : "    ") + shortened(line, to: resultLength)
        }
        if out.isEmpty { out = [failed ? "  ⎿ error" : "  ⎿ (no output)"] }
        if lines.count > resultLines { out.append("    … \(lines.count - resultLines) more lines") }
        return out
    }

    static func shortened(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
