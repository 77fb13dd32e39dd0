import FlotillaCore

/// OpenAI's streamed chat completion: Server-Sent Events whose `data:` lines are
/// `chat.completion.chunk` objects, ending with `data: [DONE]`. Text comes in
/// `choices[0].delta.content`; a tool call comes in fragments of `delta.tool_calls`, keyed by
/// `index` (the id and name first, the arguments' JSON text in pieces); with
/// `stream_options.include_usage` a last chunk with empty `choices` carries `usage`.
struct OpenAIStreamDecoder: ModelStreamDecoder {
    private struct PartialCall {
        var id = ""
        var name = ""
        var arguments = ""
    }

    private var text = ""
    private var calls: [Int: PartialCall] = [:]
    private var usage: TokenUsage?
    private var finishReason: String?
    private var model: String?
    private var done = false
    private var sawChunk = false

    mutating func consume(_ line: Substring) throws(ModelCallError) -> String? {
        guard line.hasPrefix("data:") else { return nil }  // blank separators, comments, event names
        let data = line.dropFirst(5).drop { $0 == " " }
        if data == "[DONE]" {
            done = true
            return nil
        }
        guard let chunk = try? JSONValue.parse(String(data)) else {
            throw ModelCallError("the model server sent a stream line that is not JSON: \(data.prefix(200))")
        }
        if let error = chunk["error"] {
            throw ModelCallError("the model server reported an error: \(error["message"]?.stringValue ?? error.jsonString)")
        }
        sawChunk = true
        if let name = chunk["model"]?.stringValue { model = name }
        if let counts = chunk["usage"], counts.objectValue != nil {
            usage = TokenUsage(
                input: Int(counts["prompt_tokens"]?.intValue ?? 0),
                output: Int(counts["completion_tokens"]?.intValue ?? 0),
                cached: Int(counts["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0)
            )
        }
        guard let choice = chunk["choices"]?.arrayValue?.first else { return nil }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        guard let delta = choice["delta"] else { return nil }
        for fragment in delta["tool_calls"]?.arrayValue ?? [] {
            let index = Int(fragment["index"]?.intValue ?? Int64(calls.count))
            var call = calls[index] ?? PartialCall()
            if let id = fragment["id"]?.stringValue { call.id = id }
            if let name = fragment["function"]?["name"]?.stringValue { call.name += name }
            if let arguments = fragment["function"]?["arguments"]?.stringValue { call.arguments += arguments }
            calls[index] = call
        }
        guard let content = delta["content"]?.stringValue, !content.isEmpty else { return nil }
        text += content
        return content
    }

    func reply() throws(ModelCallError) -> ModelReply {
        // Some servers (llama.cpp's, older vLLM) close without [DONE]: a finish reason is end enough.
        guard done || finishReason != nil else {
            throw ModelCallError(sawChunk ? "the model server's stream ended before its end (no [DONE], no finish_reason)" : "the model server answered no stream (is it an OpenAI-compatible chat completions endpoint?)")
        }
        let toolCalls = calls.sorted { $0.key < $1.key }.map { entry -> ToolCall in
            let (index, call) = (entry.key, entry.value)
            let parsed = call.arguments.isEmpty ? JSONValue.object([:]) : ((try? JSONValue.parse(call.arguments)) ?? .string(call.arguments))
            return ToolCall(id: call.id.isEmpty ? "call_\(index)" : call.id, name: call.name, arguments: parsed, rawArguments: call.arguments)
        }
        return ModelReply(text: text, toolCalls: toolCalls, usage: usage, finishReason: finishReason, model: model)
    }
}
