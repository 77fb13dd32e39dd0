/// Where a task is in its life. See DESIGN.md: blocked → queued → assigned → running →
/// succeeded | failed → (queued after backoff) | dead; cancelled from any non-final state.
public enum TaskState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting for its dependencies to succeed.
    case blocked
    /// Ready in a lane, waiting for a fitting agent.
    case queued
    /// Handed to an agent; the attempt's lease is running.
    case assigned
    /// The agent accepted and is working on it.
    case running
    case succeeded
    /// The last attempt failed; the task is queued again once its backoff elapses.
    case failed
    /// Out of attempts (dead-lettered).
    case dead
    case cancelled

    /// No further transitions happen on their own from a final state (only an explicit retry).
    public var isFinal: Bool {
        switch self {
        case .succeeded, .dead, .cancelled: true
        default: false
        }
    }

    /// An agent holds the task's current attempt.
    public var isHeld: Bool { self == .assigned || self == .running }

    /// The event name announcing entry into this state (`task.queued`, ...).
    public var eventType: String { "task.\(rawValue)" }
}
