public import FlotillaCore

/// One run of a CLI agent that is driven over JSON-RPC on its stdio (`codex app-server`,
/// `gemini --acp`), as a pure state machine: it reads the child's messages and says what to do
/// (send, ask a person, stream text, count usage, end). ``RPCSession`` does the I/O, so the
/// protocol logic is tested without a process.
public protocol RPCConversation: Sendable {
    /// Whether lines carry `"jsonrpc":"2.0"` (the Agent Client Protocol does, Codex omits it).
    var versioned: Bool { get }
    /// The tool, for messages (`codex app-server`, `gemini`).
    var toolName: String { get }
    /// What to do first (the handshake's first request).
    mutating func start() -> [RPCEffect]
    /// What to do about one message from the child; throws ``AgentError`` (`executor_protocol`)
    /// when the message breaks the protocol so that the run cannot go on.
    mutating func consume(_ message: JSONRPCMessage) throws(AgentError) -> [RPCEffect]
    /// The answer to an approval request, once a person (or a rule, or the timeout) decided.
    func reply(to request: RPCApprovalRequest, with answer: ApprovalAnswer) -> JSONRPCMessage
}

/// An approval request from the child, waiting for its answer.
public struct RPCApprovalRequest: Sendable, Hashable {
    /// The child's request id, echoed in the answer.
    public var id: JSONValue
    /// The JSON-RPC method that asked (the answer's shape depends on it).
    public var method: String
    /// What is asked, for the approvals queue.
    public var question: ApprovalQuestion
    /// What the protocol needs to shape the answer (ACP: the offered options).
    public var context: JSONValue = .null
}

/// What a conversation asks its driver to do.
public enum RPCEffect: Sendable, Hashable {
    /// Write this message to the child's stdin.
    case send(JSONRPCMessage)
    /// Ask through `ExecutionRequest.approvals` and send ``RPCConversation/reply(to:with:)``.
    case ask(RPCApprovalRequest)
    /// The agent's own words, streamed to the attempt's output as they come.
    case text(String)
    /// A one-line status for the attempt's progress (a tool it runs, a file it edits).
    case progress(String)
    /// Tokens and money spent since the last report (a delta, for the usage meter).
    case usage(Cost)
    /// The run is over: close the child's stdin and let it exit.
    case finish(RPCEnd)
}

/// How a protocol run ended, before the process's own exit is taken into account.
public struct RPCEnd: Sendable, Hashable {
    public var succeeded: Bool
    /// The agent's last message (or the reason it stopped), for the result's summary.
    public var summary: String
    public var error: String?
    /// The tool reported its subscription's usage limit: when it resets (seconds since the epoch).
    public var usageLimitUntil: Double?
    /// Facts for the result (`session_id`, `stop_reason`…).
    public var details: [String: JSONValue]

    public init(succeeded: Bool, summary: String, error: String? = nil, usageLimitUntil: Double? = nil, details: [String: JSONValue] = [:]) {
        self.succeeded = succeeded
        self.summary = summary
        self.error = error
        self.usageLimitUntil = usageLimitUntil
        self.details = details
    }
}

extension String {
    /// At most `bytes` UTF-8 bytes of the string, cut on a character boundary, with a note
    /// saying how much was left out: what a person reads in an approval's detail.
    func capped(bytes: Int) -> String {
        guard utf8.count > bytes else { return self }
        var kept = ""
        var used = 0
        for character in self {
            let size = character.utf8.count
            if used + size > bytes { break }
            kept.append(character)
            used += size
        }
        return kept + "\n… (\(utf8.count - used) more bytes not shown)"
    }
}
