import FlotillaCore

/// Gemini CLI driven through the Agent Client Protocol (`gemini --acp`, see ``ACPConversation``),
/// so that its permission requests reach a person through the approvals queue with the options
/// Gemini offers. With auto-approve it runs with `--yolo` and asks nothing. `--acp` is Gemini
/// CLI 0.33's name for the mode; older releases call it `--experimental-acp` (pass that through
/// `--executor-bin` with a wrapper, or upgrade).
public struct GeminiACPExecutor: Executor {
    public let name = "gemini"
    public let isLLM = true
    public var settings: LLMSettings

    public init(settings: LLMSettings) {
        self.settings = settings
    }

    public var program: String? { settings.binary ?? "gemini" }

    public func arguments() -> [String] {
        var argv = [settings.binary ?? "gemini", "--acp"]
        if let model = settings.model { argv += ["--model", model] }
        if settings.autoApprove { argv.append("--yolo") }
        return argv + settings.extraArguments
    }

    public func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
        var spec = ProcessSpec(argv: arguments(), environment: settings.environment, workingDirectory: request.workingDirectory, timeout: request.timeout)
        // The tool's own key and settings, nothing else of the agent's (ChildEnvironment).
        spec.passing = ChildEnvironment.needs(ofExecutor: name)
        let setup = ACPConversation.Setup(prompt: request.prompt, workingDirectory: request.workingDirectory, taskID: request.assignment.taskID, attempt: request.assignment.attempt)
        return try await RPCSession.run(ACPConversation(setup), spec: spec, request: request, stop: stop, progress: progress)
    }
}
