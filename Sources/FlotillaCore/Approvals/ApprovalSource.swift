/// Where an approval request came from: which executor (or hook, or watched pane) asked.
public enum ApprovalSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Headless Claude Code, `--permission-prompt-tool stdio` (`control_request`/`can_use_tool`).
    case claudeStdio = "claude_stdio"
    /// `codex app-server`'s JSON-RPC approval requests.
    case codexAppServer = "codex_app_server"
    /// `gemini --acp`'s `session/request_permission`.
    case geminiACP = "gemini_acp"
    /// Interactive Claude Code in tmux, through its PermissionRequest http hook.
    case claudeHook = "claude_hook"
    /// A watched pane showing a yes/no or numbered prompt (the last resort).
    case tmuxScreen = "tmux_screen"
    /// The hub's own initiative proposing an improvement goal (FlotillaGoals/Autonomy): allow
    /// queues the goal, deny rejects its finding for good.
    case goalProposal = "goal_proposal"
    /// A goal's plan waiting for a person before it runs (`--approve-plan`, docs/goals.md).
    case goalPlan = "goal_plan"
}

/// One answer a person can pick for a prompt with choices (tmux numbered prompts, ACP options).
public struct ApprovalChoice: Sendable, Hashable, Codable {
    /// What is typed, or the option id sent back: "1", "y", "allow_once".
    public var key: String
    /// What the prompt says: "Yes, and don't ask again".
    public var label: String
    /// Whether picking it means allow.
    public var allows: Bool

    public init(key: String, label: String, allows: Bool) {
        self.key = key
        self.label = label
        self.allows = allows
    }

    /// `{"key","label","allows"}`.
    public var json: JSONValue {
        ["key": .string(key), "label": .string(label), "allows": .bool(allows)]
    }
}
