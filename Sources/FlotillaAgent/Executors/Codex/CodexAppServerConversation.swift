public import FlotillaCore

/// One run of `codex app-server` as a state machine, following the app-server protocol's v2
/// thread/turn API (openai/codex `codex-rs/app-server/README.md`, as of Codex CLI 0.5x–0.6x; the
/// schema `codex app-server generate-json-schema` prints): JSON-RPC 2.0 without the
/// `"jsonrpc"` member, newline-delimited on stdio.
///
/// `initialize` → `initialized` → `thread/start` (or `thread/resume` for a corrective run) →
/// `turn/start` with the prompt; then `item/*` notifications (agent text deltas, commands, file
/// changes), `thread/tokenUsage/updated`, the server's approval requests
/// (`item/commandExecution/requestApproval`, `item/fileChange/requestApproval`), and
/// `turn/completed`, which ends the run.
public struct CodexAppServerConversation: RPCConversation {
    public let versioned = false
    public let toolName = "codex app-server"

    /// What the run is started with.
    public struct Setup: Sendable, Hashable {
        public var prompt: String
        public var workingDirectory: String
        public var model: String?
        /// `never` (with auto-approve: the tool acts without asking) or `untrusted` (it asks
        /// before anything but known read-only commands).
        public var approvalPolicy: String
        /// Codex's sandbox mode for the thread (`workspace-write`).
        public var sandbox: String
        /// The thread of an earlier run to continue (a corrective run).
        public var resumeThread: String?
        public var taskID: String?
        public var attempt: Int?
    }

    let setup: Setup
    var nextID: Int64 = 0
    /// Our requests in flight: id → method.
    var pending: [Int64: String] = [:]
    var threadID: String?
    var turnID: String?
    /// Items seen by `item/started`, by id: a file change's approval request names only the item.
    var items: [String: JSONValue] = [:]
    /// The text of the agent messages, in order; the last one is the run's summary.
    var messages: [String] = []
    var streamed: [String: String] = [:]
    /// The thread's cumulative usage as last reported, to turn totals into deltas.
    var reported = Cost()
    var lastError: JSONValue?

    public init(_ setup: Setup) {
        self.setup = setup
    }

    public mutating func start() -> [RPCEffect] {
        [.send(request("initialize", ["clientInfo": ["name": "flotilla", "title": "Flotilla", "version": "1"]]))]
    }

    public mutating func consume(_ message: JSONRPCMessage) throws(AgentError) -> [RPCEffect] {
        switch message {
        case .response(let id, let result):
            return try answered(id, result)
        case .failure(let id, let code, let text):
            let method = id.intValue.flatMap { pending.removeValue(forKey: $0) } ?? "a request"
            throw AgentError(.executorProtocol, "codex app-server refused \(method): \(text) (JSON-RPC error \(code))")
        case .notification(let method, let params):
            return notified(method, params)
        case .request(let id, let method, let params):
            return asked(id, method, params)
        }
    }

    private mutating func request(_ method: String, _ params: JSONValue) -> JSONRPCMessage {
        defer { nextID += 1 }
        pending[nextID] = method
        return .request(id: .int(nextID), method: method, params: params)
    }

    /// Our requests' answers drive the handshake: initialize → thread → turn.
    private mutating func answered(_ id: JSONValue, _ result: JSONValue) throws(AgentError) -> [RPCEffect] {
        guard let number = id.intValue, let method = pending.removeValue(forKey: number) else { return [] }
        switch method {
        case "initialize":
            return [.send(.notification(method: "initialized", params: .null)), .send(openThread())]
        case "thread/start", "thread/resume":
            guard let thread = result["thread"]?["id"]?.stringValue else {
                throw AgentError(.executorProtocol, "codex app-server answered \(method) without a thread id: \(result.jsonString.prefix(200))")
            }
            threadID = thread
            let input: JSONValue = [["type": "text", "text": .string(setup.prompt)]]
            return [.progress("codex thread \(thread)"), .send(request("turn/start", ["threadId": .string(thread), "input": input]))]
        case "turn/start":
            turnID = result["turn"]?["id"]?.stringValue ?? turnID
            return []
        default:
            return []
        }
    }

    private mutating func openThread() -> JSONRPCMessage {
        var params: [String: JSONValue] = [
            "cwd": .string(setup.workingDirectory), "approvalPolicy": .string(setup.approvalPolicy), "sandbox": .string(setup.sandbox),
        ]
        if let model = setup.model { params["model"] = .string(model) }
        if let thread = setup.resumeThread {
            params["threadId"] = .string(thread)
            return request("thread/resume", .object(params))
        }
        return request("thread/start", .object(params))
    }

    private mutating func notified(_ method: String, _ params: JSONValue) -> [RPCEffect] {
        switch method {
        case "item/agentMessage/delta":
            guard let delta = params["delta"]?.stringValue else { return [] }
            if let item = params["itemId"]?.stringValue { streamed[item, default: ""] += delta }
            return [.text(delta)]
        case "item/started":
            guard let item = params["item"], let id = item["id"]?.stringValue else { return [] }
            items[id] = item
            return Self.describe(item).map { [.progress($0)] } ?? []
        case "item/completed":
            guard let item = params["item"] else { return [] }
            if let id = item["id"]?.stringValue { items[id] = item }
            guard item["type"] == "agentMessage" else { return [] }
            let id = item["id"]?.stringValue ?? ""
            let text = item["text"]?.stringValue ?? streamed[id] ?? ""
            messages.append(text)
            // Text that was never streamed as deltas still reaches the output, once; each
            // message ends its line there.
            return streamed[id] == nil && !text.isEmpty ? [.text(text + "\n")] : [.text("\n")]
        case "thread/tokenUsage/updated":
            return usage(params["tokenUsage"]?["total"]).map { [.usage($0)] } ?? []
        case "error":
            if params["willRetry"]?.boolValue != true { lastError = params["error"] }
            return []
        case "turn/completed":
            return [.finish(ended(params["turn"] ?? .null))]
        default:
            return []
        }
    }

    /// The thread's running totals (`tokenUsage.total`) as the delta since the last report.
    private mutating func usage(_ total: JSONValue?) -> Cost? {
        guard let total, let input = total["inputTokens"]?.intValue, let output = total["outputTokens"]?.intValue else { return nil }
        let now = Cost(tokensIn: Int(input), tokensOut: Int(output), cachedTokens: Int(total["cachedInputTokens"]?.intValue ?? 0))
        let delta = Cost(tokensIn: now.tokensIn - reported.tokensIn, tokensOut: now.tokensOut - reported.tokensOut, cachedTokens: now.cachedTokens - reported.cachedTokens)
        guard delta.tokensIn > 0 || delta.tokensOut > 0 else { return nil }
        reported = now
        return delta
    }

    private func ended(_ turn: JSONValue) -> RPCEnd {
        var details: [String: JSONValue] = ["session_id": threadID.map(JSONValue.string) ?? .null]
        let status = turn["status"]?.stringValue ?? "completed"
        details["turn_status"] = .string(status)
        let summary = messages.last { !$0.isEmpty } ?? ""
        switch status {
        case "completed":
            return RPCEnd(succeeded: true, summary: summary, details: details)
        case "interrupted":
            return RPCEnd(succeeded: false, summary: summary, error: "codex's turn was interrupted", details: details)
        default:
            let error = turn["error"].flatMap { $0.isNull ? nil : $0 } ?? lastError
            let text = error?["message"]?.stringValue ?? "codex's turn ended \(status)"
            var end = RPCEnd(succeeded: false, summary: summary.isEmpty ? text : summary, error: "codex reported: \(text.prefix(500))", details: details)
            end.usageLimitUntil = Self.usageLimit(error, message: text)
            return end
        }
    }

    /// Codex's usage limit: the error's `codexErrorInfo` says `usageLimitExceeded`, or its message
    /// is the notice ``UsageLimitNotice/codexReset(in:now:)`` reads the reset time from.
    static func usageLimit(_ error: JSONValue?, message: String) -> Double? {
        let info = error?["codexErrorInfo"]
        let kind = info?.stringValue ?? info?.objectValue?.keys.first ?? ""
        let now = Timestamp.now()
        if let reset = UsageLimitNotice.codexReset(in: message, now: now) { return reset }
        return kind.lowercased() == "usagelimitexceeded" ? now + UsageLimitNotice.fallbackPause : nil
    }

    /// One progress line for an item that starts (a command, an edit), nil for the others.
    static func describe(_ item: JSONValue) -> String? {
        switch item["type"]?.stringValue {
        case "commandExecution": return "tool: Bash " + (item["command"]?.stringValue ?? "").prefix(200)
        case "fileChange":
            let paths = (item["changes"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            return "tool: Edit " + paths.joined(separator: ", ").prefix(200)
        case "mcpToolCall": return "tool: \(item["server"]?.stringValue ?? "mcp").\(item["tool"]?.stringValue ?? "?")"
        default: return nil
        }
    }
}
