/// A task as the hub stores it: the submitted spec plus its life so far.
public struct TaskRecord: Sendable, Hashable {
    public var id: String
    /// What was submitted. It lives in a shared box because it never changes after submission
    /// while the record is copied many times on its way through the scheduler and the commit
    /// queue: a copy then retains one box instead of every string and array of the spec.
    @inlinable public var spec: TaskSpec {
        get { specBox.spec }
        set { specBox = TaskSpecBox(newValue) }
    }
    @usableFromInline var specBox: TaskSpecBox
    public var state: TaskState
    /// The current (or last) attempt number; 0 before the first hand-out.
    public var attempt: Int
    /// Attempts numbered above this count against `max_attempts` (raised by a manual retry, so
    /// attempt numbers, which are fencing tokens, never repeat).
    public var attemptBase: Int
    public var agentID: String?
    public var createdAt: Double
    public var updatedAt: Double
    /// When it last entered a lane (FIFO order and aging).
    public var queuedAt: Double?
    /// When a failed attempt's backoff ends.
    public var retryAt: Double?
    public var leaseExpiresAt: Double?
    /// When the current attempt started (for its timeout).
    public var startedAt: Double?
    public var finishedAt: Double?
    public var progress: Double?
    public var progressMessage: String?
    public var result: JSONValue?
    public var error: String?
    /// Why it was cancelled or dead-lettered, in words.
    public var reason: String?

    public init(id: String, spec: TaskSpec, state: TaskState, now: Double) {
        self.id = id
        self.specBox = TaskSpecBox(spec)
        self.state = state
        self.attempt = 0
        self.attemptBase = 0
        self.createdAt = now
        self.updatedAt = now
    }

    /// Attempts left before the task is dead-lettered.
    public var attemptsLeft: Int { max(0, spec.maxAttempts - (attempt - attemptBase)) }

}

/// The shared, immutable home of a ``TaskRecord``'s spec.
@usableFromInline final class TaskSpecBox: Sendable, Hashable {
    @usableFromInline let spec: TaskSpec

    @usableFromInline init(_ spec: TaskSpec) { self.spec = spec }

    @usableFromInline static func == (lhs: TaskSpecBox, rhs: TaskSpecBox) -> Bool {
        lhs === rhs || lhs.spec == rhs.spec
    }

    @usableFromInline func hash(into hasher: inout Hasher) { hasher.combine(spec) }
}
