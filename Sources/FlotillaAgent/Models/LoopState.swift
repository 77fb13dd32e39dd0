import Foundation
import Synchronization

/// The loop's state behind a lock, shared by the loop and the executor that may stop it (so a
/// stopped or timed-out run still reports what it spent).
public final class LoopLedger: Sendable {
    let state: Mutex<LoopState>

    public init(_ state: LoopState) { self.state = Mutex(state) }

    public func withLock<Value: Sendable>(_ body: (inout LoopState) -> Value) -> Value { state.withLock { body(&$0) } }

    public var snapshot: LoopState { state.withLock { $0 } }
}

/// The agent loop's bookkeeping, free of I/O: the conversation, the turns spent, the tokens
/// used, and what to do after each reply.
public struct LoopState: Sendable, Hashable {
    /// What the loop does after a reply.
    public enum Next: Sendable, Hashable {
        /// The model answered without a tool call: the run is done.
        case finished(answer: String)
        /// Run these calls (in order), then ask the model again.
        case runTools([ToolCall])
        /// The model asked for tools on its last allowed turn.
        case outOfTurns
    }

    public private(set) var messages: [ChatMessage]
    /// Model calls made.
    public private(set) var turns = 0
    public let maxTurns: Int
    /// Tokens of every reply so far.
    public private(set) var usage = TokenUsage()
    public private(set) var toolCalls = 0
    /// Tool calls refused or failed (told to the model).
    public private(set) var toolErrors = 0
    public private(set) var answer: String?
    /// The model the server said answered.
    public private(set) var model: String?
    /// The last text the model wrote (a summary when it never answered).
    public private(set) var lastText = ""

    public init(system: String, prompt: String, maxTurns: Int) {
        messages = [ChatMessage(role: .system, content: system), ChatMessage(role: .user, content: prompt)]
        self.maxTurns = maxTurns
    }

    /// Takes one reply into the conversation and says what comes next.
    public mutating func record(_ reply: ModelReply) -> Next {
        turns += 1
        if let replyUsage = reply.usage { usage = usage + replyUsage }
        if let name = reply.model { model = name }
        let text = reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { lastText = text }
        // Ids the model's server left out or repeated are made unique: OpenAI matches a tool
        // result to its call by id, and two results for one id confuse it.
        var seen: Set<String> = []
        let calls = reply.toolCalls.enumerated().map { index, call -> ToolCall in
            var call = call
            if call.id.isEmpty || !seen.insert(call.id).inserted {
                call.id = "call_\(turns)_\(index)"
                seen.insert(call.id)
            }
            return call
        }
        messages.append(ChatMessage(role: .assistant, content: reply.text, toolCalls: calls))
        guard !calls.isEmpty else {
            answer = text
            return .finished(answer: text)
        }
        return turns >= maxTurns ? .outOfTurns : .runTools(calls)
    }

    /// Takes a tool's answer into the conversation, for the model's next turn.
    public mutating func record(result: ToolOutcome, of call: ToolCall) {
        toolCalls += 1
        if result.isError { toolErrors += 1 }
        messages.append(ChatMessage(role: .tool, content: result.text, toolCallID: call.id, toolName: call.name))
    }
}
