public import FlotillaCore

/// One run of an Agent Client Protocol agent (`gemini --acp`) as a state machine, following ACP
/// protocol version 1 (agentclientprotocol.com, the `agent-client-protocol` schema): JSON-RPC 2.0
/// with `"jsonrpc":"2.0"`, newline-delimited on stdio.
///
/// `initialize` (protocol version 1, no client file system or terminal: the agent uses its
/// own) → `session/new` in the worktree → `session/prompt`; meanwhile `session/update`
/// notifications (`agent_message_chunk`, `tool_call`, `tool_call_update`, `usage_update`…) and
/// the agent's `session/request_permission` requests; the prompt's answer (`stopReason`) ends it.
public struct ACPConversation: RPCConversation {
    public let versioned = true
    public let toolName = "gemini"

    public struct Setup: Sendable, Hashable {
        public var prompt: String
        public var workingDirectory: String
        public var taskID: String?
        public var attempt: Int?
    }

    /// The ACP version this client speaks.
    public static let protocolVersion: Int64 = 1

    let setup: Setup
    var nextID: Int64 = 0
    var pending: [Int64: String] = [:]
    var sessionID: String?
    /// Tool calls as reported so far (`tool_call`, merged with each `tool_call_update`), by id:
    /// a permission request may name only the id.
    var toolCalls: [String: [String: JSONValue]] = [:]
    /// The agent's messages this turn; the last one is the run's summary.
    var messages: [String] = []
    /// Whether the next chunk continues the current message (no tool call came between, and the
    /// agent did not give it a new `messageId`).
    var inMessage = false
    var messageID: String?
    /// The session's cumulative cost in USD as last reported by `usage_update`.
    var reportedUSD = 0.0

    public init(_ setup: Setup) {
        self.setup = setup
    }

    public mutating func start() -> [RPCEffect] {
        let capabilities: JSONValue = ["fs": ["readTextFile": false, "writeTextFile": false], "terminal": false]
        return [.send(request("initialize", [
            "protocolVersion": .int(Self.protocolVersion), "clientCapabilities": capabilities,
            "clientInfo": ["name": "flotilla", "title": "Flotilla", "version": "1"],
        ]))]
    }

    public mutating func consume(_ message: JSONRPCMessage) throws(AgentError) -> [RPCEffect] {
        switch message {
        case .response(let id, let result):
            return try answered(id, result)
        case .failure(let id, let code, let text):
            let method = id.intValue.flatMap { pending.removeValue(forKey: $0) } ?? "a request"
            throw AgentError(.executorProtocol, "gemini refused \(method): \(text) (JSON-RPC error \(code))")
        case .notification(let method, let params):
            return method == "session/update" ? updated(params["update"] ?? .null) : []
        case .request(let id, let method, let params):
            return asked(id, method, params)
        }
    }

    private mutating func request(_ method: String, _ params: JSONValue) -> JSONRPCMessage {
        defer { nextID += 1 }
        pending[nextID] = method
        return .request(id: .int(nextID), method: method, params: params)
    }

    private mutating func answered(_ id: JSONValue, _ result: JSONValue) throws(AgentError) -> [RPCEffect] {
        guard let number = id.intValue, let method = pending.removeValue(forKey: number) else { return [] }
        switch method {
        case "initialize":
            if let version = result["protocolVersion"]?.intValue, version != Self.protocolVersion {
                throw AgentError(.executorProtocol, "gemini speaks ACP version \(version); flotilla speaks version \(Self.protocolVersion)")
            }
            return [.send(request("session/new", ["cwd": .string(setup.workingDirectory), "mcpServers": []]))]
        case "session/new":
            guard let session = result["sessionId"]?.stringValue else {
                throw AgentError(.executorProtocol, "gemini answered session/new without a sessionId: \(result.jsonString.prefix(200))")
            }
            sessionID = session
            let prompt: JSONValue = [["type": "text", "text": .string(setup.prompt)]]
            return [.progress("gemini session \(session)"), .send(request("session/prompt", ["sessionId": .string(session), "prompt": prompt]))]
        case "session/prompt":
            var effects: [RPCEffect] = []
            if let usage = result["usage"], let cost = Self.tokens(usage) { effects.append(.usage(cost)) }
            effects.append(.finish(ended(result)))
            return effects
        default:
            return []
        }
    }

    private mutating func updated(_ update: JSONValue) -> [RPCEffect] {
        switch update["sessionUpdate"]?.stringValue {
        case "agent_message_chunk":
            guard update["content"]?["type"] == "text", let chunk = update["content"]?["text"]?.stringValue else { return [] }
            let id = update["messageId"]?.stringValue
            var effects: [RPCEffect] = []
            if !inMessage || (id != nil && id != messageID) {
                // A new message reads on a line of its own in the output.
                if !messages.isEmpty { effects.append(.text("\n")) }
                messages.append("")
                inMessage = true
                messageID = id
            }
            messages[messages.count - 1] += chunk
            return effects + [.text(chunk)]
        case "tool_call", "tool_call_update":
            inMessage = false
            guard let id = update["toolCallId"]?.stringValue, let fields = update.objectValue else { return [] }
            let isNew = toolCalls[id] == nil
            toolCalls[id, default: [:]].merge(fields) { _, new in new }
            guard isNew, let title = fields["title"]?.stringValue else { return [] }
            return [.progress("tool: \(title.prefix(200))")]
        case "usage_update":
            guard let amount = update["cost"]?["amount"]?.doubleValue, update["cost"]?["currency"] == "USD", amount > reportedUSD else { return [] }
            defer { reportedUSD = amount }
            return [.usage(Cost(usd: amount - reportedUSD))]
        default:
            return []
        }
    }

    /// The prompt turn's `usage` (`inputTokens`, `outputTokens`, `cachedReadTokens`).
    static func tokens(_ usage: JSONValue) -> Cost? {
        guard let input = usage["inputTokens"]?.intValue, let output = usage["outputTokens"]?.intValue else { return nil }
        return Cost(tokensIn: Int(input), tokensOut: Int(output), cachedTokens: Int(usage["cachedReadTokens"]?.intValue ?? 0))
    }

    private func ended(_ result: JSONValue) -> RPCEnd {
        let reason = result["stopReason"]?.stringValue ?? "end_turn"
        let details: [String: JSONValue] = ["session_id": sessionID.map(JSONValue.string) ?? .null, "stop_reason": .string(reason)]
        let summary = messages.last { !$0.isEmpty } ?? ""
        guard reason == "end_turn" else {
            return RPCEnd(succeeded: false, summary: summary, error: "gemini stopped its turn: \(reason)", details: details)
        }
        return RPCEnd(succeeded: true, summary: summary, details: details)
    }
}
