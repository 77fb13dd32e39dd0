/// Where a task is in its life (docs/api.md, "Task states"): blocked → queued → assigned → running →
/// succeeded | failed → (queued after backoff) | dead; cancelled from any non-final state;
/// expired when a task with a TTL was never handed out within it.
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
    /// Its `ttl_seconds` ran out before any agent took it (never assigned).
    case expired

    /// No further transitions happen on their own from a final state (only an explicit retry).
    public var isFinal: Bool {
        switch self {
        case .succeeded, .dead, .cancelled, .expired: true
        default: false
        }
    }

    /// An agent holds the task's current attempt.
    public var isHeld: Bool { self == .assigned || self == .running }

    /// The event announcing entry into this state (`task.queued`, ...).
    public var eventKind: EventKind {
        // Spelled out: it is asked on every move, and interpolating showed in profiles.
        switch self {
        case .blocked: .taskBlocked
        case .queued: .taskQueued
        case .assigned: .taskAssigned
        case .running: .taskRunning
        case .succeeded: .taskSucceeded
        case .failed: .taskFailed
        case .dead: .taskDead
        case .cancelled: .taskCancelled
        case .expired: .taskExpired
        }
    }
}

/// Tasks per state, kept by the scheduler: one slot per state, since a count changes on every
/// move and hashing the state for it showed in profiles.
public struct TaskStateCounts: Sendable, Hashable {
    private var values = [Int](repeating: 0, count: TaskState.allCases.count)

    public init() {}

    public init(_ counts: [TaskState: Int]) {
        for (state, count) in counts { self[state] = count }
    }

    public subscript(state: TaskState) -> Int {
        get { values[state.slot] }
        set { values[state.slot] = newValue }
    }
}

extension TaskState {
    fileprivate var slot: Int {
        switch self {
        case .blocked: 0
        case .queued: 1
        case .assigned: 2
        case .running: 3
        case .succeeded: 4
        case .failed: 5
        case .dead: 6
        case .cancelled: 7
        case .expired: 8
        }
    }
}
