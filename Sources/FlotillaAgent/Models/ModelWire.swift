public import FlotillaCore

/// A tool as a model is told about it: the same `{"type":"function","function":{…}}` object
/// in both dialects (Ollama took OpenAI's shape).
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String
    /// A JSON Schema object for the arguments.
    public var parameters: JSONValue

    public var json: JSONValue {
        ["type": "function", "function": ["name": .string(name), "description": .string(description), "parameters": parameters]]
    }
}

/// Reads one streamed answer line by line and puts the reply together.
public protocol ModelStreamDecoder: Sendable {
    /// Takes one line of the response body; returns text to stream, if the line carried some.
    /// Throws ``ModelCallError`` when the server reports an error in the stream.
    mutating func consume(_ line: Substring) throws(ModelCallError) -> String?
    /// The whole reply once the stream ended; throws when it ended before its end marker.
    func reply() throws(ModelCallError) -> ModelReply
}

/// A model call that failed: the server could not be reached, refused the request, or sent
/// something that is not its protocol. The message is for a person (and never holds the key).
public struct ModelCallError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Worth trying the attempt again (a 5xx, a dropped connection) rather than a request the
    /// server will refuse again.
    public var retryable: Bool

    public init(_ message: String, retryable: Bool = true) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }
}

extension ModelDialect {
    /// The request body for one turn: the conversation so far and the tools, streamed.
    public func requestBody(settings: ModelSettings, messages: [ChatMessage], tools: [ToolDefinition]) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(settings.model ?? ""),
            "messages": .array(messages.map(encode)),
            "tools": .array(tools.map(\.json)),
            "stream": true,
        ]
        switch self {
        case .openai:
            // Without it the stream carries no usage at all.
            body["stream_options"] = ["include_usage": true]
            if let temperature = settings.temperature { body["temperature"] = .double(temperature) }
        case .ollama:
            if let temperature = settings.temperature { body["options"] = ["temperature": .double(temperature)] }
        }
        return .object(body)
    }

    func encode(_ message: ChatMessage) -> JSONValue {
        var object: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        switch (self, message.role) {
        case (.openai, .assistant) where !message.toolCalls.isEmpty:
            if message.content.isEmpty { object["content"] = .null }
            object["tool_calls"] = .array(message.toolCalls.map { call in
                ["id": .string(call.id), "type": "function",
                 "function": ["name": .string(call.name), "arguments": .string(call.rawArguments ?? call.arguments.jsonString)]]
            })
        case (.ollama, .assistant) where !message.toolCalls.isEmpty:
            object["tool_calls"] = .array(message.toolCalls.map { call in
                ["function": ["name": .string(call.name), "arguments": call.arguments.objectValue == nil ? [:] : call.arguments]]
            })
        case (.openai, .tool):
            object["tool_call_id"] = .string(message.toolCallID ?? "")
        case (.ollama, .tool):
            object["tool_name"] = .string(message.toolName ?? "")
        default:
            break
        }
        return .object(object)
    }

    /// A decoder for one streamed answer in this dialect.
    public func decoder() -> any ModelStreamDecoder {
        switch self {
        case .openai: return OpenAIStreamDecoder()
        case .ollama: return OllamaStreamDecoder()
        }
    }

    /// The server's own words from an error body (`{"error":{"message"}}` or `{"error":"…"}`).
    static func errorMessage(_ body: String) -> String {
        if let json = try? JSONValue.parse(body), let error = json["error"] {
            return error["message"]?.stringValue ?? error.stringValue ?? error.jsonString
        }
        return String(body.prefix(300))
    }
}
