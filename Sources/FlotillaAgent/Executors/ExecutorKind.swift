/// What sort of worker an executor is, for routing by complexity (docs/agents.md):
/// `trivial` → shell, `standard` → the first model over HTTP, `complex` → the first CLI agent.
public enum ExecutorKind: String, Sendable, Hashable {
    /// Runs the task's command (`shell`).
    case shell
    /// A model driven over HTTP with the agent's own tool loop (`openai`, `ollama`).
    case model
    /// A coding agent's command line (`claude`, `codex`, `aider`, `gemini`, `cmd`).
    case cliAgent = "cli_agent"
}
