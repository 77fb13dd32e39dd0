import FlotillaCore

/// Ollama's streamed `/api/chat`: one JSON object a line. Text comes in `message.content`;
/// tool calls come whole in `message.tool_calls` (`function.arguments` an object, not text);
/// the last line has `"done": true` with `done_reason`, `prompt_eval_count` and `eval_count`.
/// An error is a line `{"error": "…"}`.
struct OllamaStreamDecoder: ModelStreamDecoder {
    private var text = ""
    private var calls: [ToolCall] = []
    private var usage: TokenUsage?
    private var finishReason: String?
    private var model: String?
    private var done = false

    mutating func consume(_ line: Substring) throws(ModelCallError) -> String? {
        guard !line.allSatisfy(\.isWhitespace) else { return nil }
        guard let object = try? JSONValue.parse(String(line)) else {
            throw ModelCallError("the model server sent a line that is not JSON: \(line.prefix(200))")
        }
        if let error = object["error"] {
            throw ModelCallError("the model server reported an error: \(error.stringValue ?? error.jsonString)")
        }
        if let name = object["model"]?.stringValue { model = name }
        let message = object["message"]
        for call in message?["tool_calls"]?.arrayValue ?? [] {
            let function = call["function"]
            let id = call["id"]?.stringValue ?? "call_\(calls.count)"
            calls.append(ToolCall(id: id, name: function?["name"]?.stringValue ?? "", arguments: function?["arguments"] ?? .object([:])))
        }
        if object["done"]?.boolValue == true {
            done = true
            finishReason = object["done_reason"]?.stringValue
            usage = TokenUsage(input: Int(object["prompt_eval_count"]?.intValue ?? 0), output: Int(object["eval_count"]?.intValue ?? 0))
        }
        guard let content = message?["content"]?.stringValue, !content.isEmpty else { return nil }
        text += content
        return content
    }

    func reply() throws(ModelCallError) -> ModelReply {
        guard done else { throw ModelCallError("the model server's stream ended before its last line (\"done\": true)") }
        return ModelReply(text: text, toolCalls: calls, usage: usage, finishReason: finishReason, model: model)
    }
}
