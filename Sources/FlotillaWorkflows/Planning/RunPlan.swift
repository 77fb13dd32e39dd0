import FlotillaCore

/// What a run should do next, from ``RunPlanner/plan(_:)``. The runtime applies it (submits
/// the tasks, records skips and failures, cancels tasks), and plans again when a task ends.
public struct RunPlan: Sendable, Hashable {
    /// Tasks to submit, in step order (matrix instances in matrix order).
    public var starts: [StepStart] = []
    /// Steps decided not to run.
    public var skips: [StepSkip] = []
    /// Steps that cannot start (their matrix or task did not evaluate): they count as failed.
    public var failures: [StepFailure] = []
    /// Running tasks to cancel (the run was cancelled). Every plan lists them until their ends
    /// are recorded, so cancelling is retried after a restart; cancelling twice is harmless.
    public var cancels: [InstanceID] = []
    /// Set once every step has ended: how the run ended.
    public var outcome: RunOutcome?

    public init() {}

    public var isEmpty: Bool { starts.isEmpty && skips.isEmpty && failures.isEmpty && cancels.isEmpty && outcome == nil }
}

/// One task to submit for a step (one per matrix combination).
public struct StepStart: Sendable, Hashable {
    public var instance: InstanceID
    /// The combination (`{os: linux, node: 20}`), for a matrix step.
    public var matrix: JSONValue?
    /// The rendered task; its `idempotency_key` is ``idempotencyKey``.
    public var spec: TaskSpec
    /// `wf:<run>:<step>` or `wf:<run>:<step>:<matrix index>`: submitting it twice (after a hub
    /// restart) gives back the same task, so no step runs twice.
    public var idempotencyKey: String
}

/// A step's task, or one of a matrix step's.
public struct InstanceID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var step: String
    /// The combination's index, for a matrix step.
    public var matrixIndex: Int?

    public init(step: String, matrixIndex: Int? = nil) {
        self.step = step
        self.matrixIndex = matrixIndex
    }

    public var description: String { matrixIndex.map { "\(step)[\($0)]" } ?? step }
}

public struct StepSkip: Sendable, Hashable {
    public var step: String
    public var reason: SkipReason
}

public struct StepFailure: Sendable, Hashable {
    public var step: String
    public var error: WorkflowError
}

/// How a run ended.
public enum RunOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// No step failed (a failure under `continue_on_error` does not count).
    case succeeded
    /// A step failed or was cancelled (its `on_failure` steps, if any, have run).
    case failed
    /// The run was cancelled.
    case cancelled
}

/// A run as the planner sees it: its inputs, its trigger's data and each step's record.
public struct WorkflowRunState: Sendable, Hashable, Codable {
    private enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case inputs, trigger
        case cancelRequested = "cancel_requested"
        case steps
    }

    public var runID: String
    /// The resolved inputs (see ``WorkflowDefinition/resolveInputs(_:)``).
    public var inputs: JSONValue
    /// What started the run (`trigger.payload.ref`…); `{}` for a manual run.
    public var trigger: JSONValue
    public var cancelRequested: Bool
    /// Records by step id; a step with none is pending.
    public var steps: [String: StepRecord]

    public init(runID: String, inputs: JSONValue = .object([:]), trigger: JSONValue = .object([:]), cancelRequested: Bool = false, steps: [String: StepRecord] = [:]) {
        self.runID = runID
        self.inputs = inputs
        self.trigger = trigger
        self.cancelRequested = cancelRequested
        self.steps = steps
    }

    public func record(_ step: String) -> StepRecord { steps[step] ?? .pending }

    /// The state after the runtime applied `plan`: started steps running, skips and failures
    /// recorded (cancels are the runtime's to report as they happen).
    public func applying(_ plan: RunPlan) -> WorkflowRunState {
        var next = self
        var started: [String: [InstanceState]] = [:]
        for start in plan.starts { started[start.instance.step, default: []].append(InstanceState(.running)) }
        for (step, instances) in started { next.steps[step] = .started(instances) }
        for skip in plan.skips { next.steps[skip.step] = .skipped(skip.reason) }
        for failure in plan.failures { next.steps[failure.step] = .failedToStart(failure.error) }
        return next
    }
}
