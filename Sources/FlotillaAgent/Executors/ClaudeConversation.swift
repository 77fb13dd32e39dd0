import FlotillaCore

/// One headless Claude Code run driven on stdio (`--input-format stream-json
/// --permission-prompt-tool stdio`): the prompt goes in as the first line, every permission
/// request Claude writes is asked through the attempt's approvals while the run goes on, and
/// the answer is written back; stdin closes after the `result` line, which ends the run.
struct ClaudeConversation: Sendable {
    typealias Request = ClaudeControlProtocol.Request

    let input = ProcessInput()
    let approvals: (any ApprovalAsking)?
    let taskID: String
    let attempt: Int
    let output: AttemptOutput?
    let progress: ProgressSink

    init(request: ExecutionRequest, progress: @escaping ProgressSink) {
        approvals = request.approvals
        taskID = request.assignment.taskID
        attempt = request.assignment.attempt
        output = request.output
        self.progress = progress
        input.send(line: ClaudeControlProtocol.userMessage(request.prompt))
    }

    /// Reads one stdout line: a control request is queued to be answered; the result line ends
    /// the conversation (Claude Code would otherwise wait for the next user message).
    func read(_ line: String, into requests: AsyncStream<Request>.Continuation) {
        if let request = ClaudeControlProtocol.request(in: line) {
            requests.yield(request)
        } else if ClaudeControlProtocol.isResult(line) {
            input.close()
        }
    }

    /// Runs the process (`body`) while the requests it reads are answered; questions still
    /// open when it ends are given up (their asks are cancelled), since nobody can use the answer.
    static func run(
        _ conversation: ClaudeConversation?,
        _ body: (AsyncStream<Request>.Continuation) async throws -> ProcessOutcome
    ) async throws -> ProcessOutcome {
        let (requests, sink) = AsyncStream.makeStream(of: Request.self)
        defer { sink.finish() }
        guard let conversation else { return try await body(sink) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await conversation.answer(requests) }
            defer { group.cancelAll() }
            return try await body(sink)
        }
    }

    /// Answers each request as its decision comes; several may be open at once (parallel tool calls).
    private func answer(_ requests: AsyncStream<Request>) async {
        await withTaskGroup(of: Void.self) { group in
            for await request in requests {
                group.addTask { input.send(line: await respond(to: request)) }
            }
        }
    }

    private func respond(to request: Request) async -> String {
        guard request.subtype == "can_use_tool", request.toolName != nil else {
            return ClaudeControlProtocol.error(request, message: "Flotilla does not handle the control request '\(request.subtype)'.")
        }
        let question = ClaudeControlProtocol.question(for: request, taskID: taskID, attempt: attempt)
        guard let approvals else {
            note("✗ not allowed: \(question.subject) (no hub to ask)")
            return ClaudeControlProtocol.deny(request, message: "Not allowed: this agent has no hub to ask for approval (no hub to ask).")
        }
        note("⏸ waiting for approval: \(question.subject)")
        progress(nil, "waiting for approval: \(question.subject)")
        let answer = await approvals.ask(question)
        if answer.allowed {
            note("✓ allowed: \(question.subject)")
            return ClaudeControlProtocol.allow(request)
        }
        let reason = answer.reason ?? "a person said no"
        note("✗ denied: \(question.subject): \(reason)")
        return ClaudeControlProtocol.deny(request, message: "Permission denied: \(reason)")
    }

    /// A line for whoever watches the attempt's live output.
    private func note(_ line: String) {
        output?.append(line: line)
    }
}
