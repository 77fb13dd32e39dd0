import FlotillaCore

/// Codex driven through `codex app-server` (JSON-RPC over stdio, see
/// ``CodexAppServerConversation``), so that its approval requests reach a person through the
/// approvals queue instead of being impossible (`codex exec`). With auto-approve the thread runs
/// with approval policy `never` in Codex's `workspace-write` sandbox and nothing is asked; without
/// it, `untrusted`: Codex asks before anything but its known read-only commands. A corrective run
/// continues the first run's thread (`thread/resume`). Codex's usage-limit notice releases the
/// attempt as `codex exec`'s did.
public struct CodexAppServerExecutor: Executor {
    public let name = "codex"
    public let isLLM = true
    public var settings: LLMSettings

    public init(settings: LLMSettings) {
        self.settings = settings
    }

    public var program: String? { settings.binary ?? "codex" }

    public func arguments() -> [String] {
        [settings.binary ?? "codex", "app-server"] + settings.extraArguments
    }

    public func setup(for request: ExecutionRequest) -> CodexAppServerConversation.Setup {
        CodexAppServerConversation.Setup(
            prompt: request.prompt, workingDirectory: request.workingDirectory, model: settings.model,
            approvalPolicy: settings.autoApprove ? "never" : "untrusted", sandbox: "workspace-write",
            resumeThread: request.resumeSession, taskID: request.assignment.taskID, attempt: request.assignment.attempt
        )
    }

    public func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
        var spec = ProcessSpec(argv: arguments(), environment: settings.environment, workingDirectory: request.workingDirectory, timeout: request.timeout)
        // The tool's own key and settings, nothing else of the agent's (ChildEnvironment).
        spec.passing = ChildEnvironment.needs(ofExecutor: name)
        var outcome = try await RPCSession.run(CodexAppServerConversation(setup(for: request)), spec: spec, request: request, stop: stop, progress: progress)
        // The notice may also come as text on stderr, as `codex exec` printed it.
        if !outcome.succeeded, outcome.stopped == nil, outcome.usageLimitUntil == nil {
            outcome.usageLimitUntil = UsageLimitNotice.codexReset(in: outcome.outputTail, now: Timestamp.now())
        }
        return outcome
    }
}
