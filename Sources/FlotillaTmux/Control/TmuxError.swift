import FlotillaCore

/// A failure talking to tmux or driving a pane, with a stable code.
public typealias TmuxError = CodedError<TmuxErrorCode>

/// Stable codes of ``TmuxError``, documented in docs/fleet.md; match on `rawValue`, never
/// rename one.
public enum TmuxErrorCode: String, ErrorCode {
    /// tmux exited non-zero; the message holds its standard error.
    case commandFailed = "tmux_command_failed"
    /// The tmux binary could not be started.
    case launchFailed = "tmux_launch_failed"
    /// The pane, window or session does not exist (any more).
    case paneNotFound = "pane_not_found"
    /// The control-mode connection closed.
    case controlClosed = "control_closed"
    /// Waiting for a pane (idle, submission, output) ran past its deadline.
    case timedOut = "timed_out"
    /// The text was typed but never confirmed as submitted.
    case notSubmitted = "not_submitted"
    /// The pane's agent is busy and the command was not forced.
    case agentBusy = "agent_busy"
}
