import FlotillaCore

/// An error from the agent runtime, with a stable code that ends up in a task's result.
public typealias AgentError = CodedError<AgentErrorCode>

/// Stable codes of ``AgentError``, documented in docs/protocol.md (`error_code`).
public enum AgentErrorCode: String, ErrorCode {
    /// The task cannot be run as given (no command, bad payload); retrying will not help.
    case badTask = "bad_task"
    /// The executor's program is missing or failed to start.
    case executorUnavailable = "executor_unavailable"
    /// A git operation for the task's workspace failed.
    case workspaceFailed = "workspace_failed"
    /// Pushing the branch or opening the pull request failed.
    case publishFailed = "publish_failed"
    /// `gh` is not installed or not logged in, so no pull request can be opened.
    case ghUnavailable = "gh_unavailable"
    /// The agent's configuration is invalid.
    case badConfiguration = "bad_configuration"
    /// A model executor's call failed: the model server could not be reached, refused the
    /// request (a bad key, an unknown model) or broke its protocol.
    case modelFailed = "model_failed"
    /// A model executor's model was still calling tools when its `max_turns` ran out.
    case maxTurnsExceeded = "max_turns_exceeded"
    /// A CLI agent driven over JSON-RPC (`codex app-server`, `gemini --acp`) broke its protocol:
    /// a line that is not a JSON-RPC message, a refused handshake, or an exit before the turn ended.
    case executorProtocol = "executor_protocol"
    /// The hub refused the agent's token (missing, wrong or revoked): retrying cannot help.
    case unauthorized
}
