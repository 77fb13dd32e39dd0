import FlotillaCore
import Synchronization

/// The tool loop of a model executor: ask the model, run the tools it calls in the worktree,
/// give it their answers, until it answers without a tool call or runs out of turns.
public struct AgentLoop: Sendable {
    public var settings: ModelSettings
    public var transport: any ModelTransport
    public var tools: WorktreeTools

    public init(settings: ModelSettings, transport: any ModelTransport, tools: WorktreeTools) {
        self.settings = settings
        self.transport = transport
        self.tools = tools
    }

    /// The instructions the model starts with.
    public func systemPrompt() -> String {
        """
        You are a coding agent working in a git worktree (\(tools.confinement.root)). Use the tools to \
        look at the files, change them and run commands (tests, builds). Paths are relative to the \
        worktree; paths outside it are refused. Change only what the task needs. When the task is done, \
        answer with a short summary of what you did and call no tool.
        """
    }

    /// Runs the loop to its end. `ledger` holds the state as it goes, so a run that is stopped
    /// or times out still reports what it spent. Throws ``ModelCallError`` when a call fails.
    public func run(prompt: String, ledger: LoopLedger, output: AttemptOutput?, usage meter: UsageMeter?, progress: ProgressSink) async throws -> LoopState.Next {
        let url = settings.dialect.endpoint(base: settings.baseURL)
        var headers: [(String, String)] = []
        if let key = settings.apiKey { headers.append(("Authorization", "Bearer " + key.value)) }
        while true {
            try _Concurrency.Task.checkCancellation()
            let (messages, turn) = ledger.withLock { ($0.messages, $0.turns + 1) }
            progress(nil, "model turn \(turn)/\(settings.maxTurns)")
            let body = settings.dialect.requestBody(settings: settings, messages: messages, tools: WorktreeTools.definitions).jsonBytes
            var decoder = settings.dialect.decoder()
            var streamed = false
            try await transport.post(url: url, headers: headers, body: body) { line throws(ModelCallError) in
                guard let text = try decoder.consume(line) else { return }
                streamed = true
                output?.appendText(text)
            }
            let reply = try decoder.reply()
            if streamed, !reply.text.hasSuffix("\n") { output?.appendText("\n") }
            // Each call's own cost, as it is spent (the ledger sees a long run before it ends).
            if let used = reply.usage { meter?.add(settings.cost(of: used)) }
            let next = ledger.withLock { $0.record(reply) }
            guard case .runTools(let calls) = next else { return next }
            for call in calls {
                try _Concurrency.Task.checkCancellation()
                let summary = (try? ToolInvocation.parse(call).get())?.summary ?? call.name
                output?.append(line: "[tool] \(summary)")
                progress(nil, "tool: \(summary)")
                let result = await tools.run(call)
                if result.isError { output?.append(line: "[tool] \(result.text.prefix(300))") }
                ledger.withLock { $0.record(result: result, of: call) }
            }
        }
    }
}

extension AttemptOutput {
    /// Appends text as it is (a streamed piece of a line).
    func appendText(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }
}
