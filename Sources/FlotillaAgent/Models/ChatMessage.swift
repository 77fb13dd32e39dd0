public import FlotillaCore

/// One message of a model conversation, in the shape both dialects share (OpenAI's chat
/// completions and Ollama's `/api/chat` differ only in how a tool call is spelt on the wire).
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case system, user, assistant, tool }

    public var role: Role
    public var content: String
    /// The calls an assistant message asked for.
    public var toolCalls: [ToolCall] = []
    /// For a tool message: the call it answers (OpenAI's `tool_call_id`) and the tool's name
    /// (Ollama's `tool_name`).
    public var toolCallID: String?
    public var toolName: String?

    public init(role: Role, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, toolName: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.toolName = toolName
    }
}

/// A tool call the model asked for.
public struct ToolCall: Sendable, Hashable {
    /// The call's id (OpenAI sends one; Ollama may not, so the loop makes one up).
    public var id: String
    public var name: String
    /// The arguments as the model wrote them: a JSON object, or whatever else it produced
    /// (then the tool answers with an error the model can correct).
    public var arguments: JSONValue
    /// The arguments' text when it was not valid JSON (OpenAI streams a string).
    public var rawArguments: String?

    public init(id: String, name: String, arguments: JSONValue, rawArguments: String? = nil) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.rawArguments = rawArguments
    }
}

/// Tokens one model call used, as the server counted them.
public struct TokenUsage: Sendable, Hashable {
    public var input = 0
    public var output = 0
    /// Input tokens served from the provider's prompt cache (part of `input`).
    public var cached = 0

    public init(input: Int = 0, output: Int = 0, cached: Int = 0) {
        self.input = input
        self.output = output
        self.cached = cached
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(input: lhs.input + rhs.input, output: lhs.output + rhs.output, cached: lhs.cached + rhs.cached)
    }
}

/// What one model call answered: its text, the tools it wants run, and what it cost.
public struct ModelReply: Sendable, Hashable {
    public var text = ""
    public var toolCalls: [ToolCall] = []
    public var usage: TokenUsage?
    /// `finish_reason` / `done_reason` as the server said it.
    public var finishReason: String?
    public var model: String?

    public init(text: String = "", toolCalls: [ToolCall] = [], usage: TokenUsage? = nil, finishReason: String? = nil, model: String? = nil) {
        self.text = text
        self.toolCalls = toolCalls
        self.usage = usage
        self.finishReason = finishReason
        self.model = model
    }
}
