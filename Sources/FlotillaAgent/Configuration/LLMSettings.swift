/// How the agent runs its LLM executors (claude, codex, aider, gemini, cmd).
public struct LLMSettings: Sendable, Hashable {
    /// The program to run instead of the executor's default (`claude`, `codex`, …).
    public var binary: String?
    /// `--model` for the tool; nil leaves the tool's default.
    public var model: String?
    /// Claude Code's `--allowedTools`.
    public var allowedTools: [String]
    /// Claude Code's `--permission-mode` (e.g. `acceptEdits`, `plan`).
    public var permissionMode: String?
    /// Let the tool act without asking (`--dangerously-skip-permissions`, codex approval policy
    /// `never` (codex-exec `--full-auto`),
    /// aider `--yes-always`, gemini `--yolo`). Off unless the configuration says so.
    public var autoApprove: Bool
    /// Appended to every run's arguments.
    public var extraArguments: [String]
    /// Added to the tool's environment.
    public var environment: [String: String]
    /// For the `cmd` executor: the argv template, with `{prompt}`, `{workdir}` and `{model}`.
    public var commandTemplate: [String]

    public init(binary: String? = nil, model: String? = nil, allowedTools: [String] = [], permissionMode: String? = nil, autoApprove: Bool = false, extraArguments: [String] = [], environment: [String: String] = [:], commandTemplate: [String] = []) {
        self.binary = binary
        self.model = model
        self.allowedTools = allowedTools
        self.permissionMode = permissionMode
        self.autoApprove = autoApprove
        self.extraArguments = extraArguments
        self.environment = environment
        self.commandTemplate = commandTemplate
    }
}
