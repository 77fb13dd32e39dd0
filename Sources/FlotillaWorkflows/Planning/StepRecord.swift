import FlotillaCore

/// Where one step of a run stands: what the runtime keeps per step and gives the planner.
public enum StepRecord: Sendable, Hashable {
    /// Not decided yet (the default for a step the runtime has no record of).
    case pending
    /// Decided not to run, and why.
    case skipped(SkipReason)
    /// Could not start: its matrix or task did not evaluate (the error says why).
    case failedToStart(WorkflowError)
    /// Started: one instance per matrix combination (one for a step without a matrix).
    case started([InstanceState])
}

/// One task of a started step.
public struct InstanceState: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        case running, succeeded, failed, cancelled
    }

    public var status: Status
    /// The task's result (what `steps.<id>.result` reads) once it succeeded.
    public var result: JSONValue?
    /// The task's error once it failed (`steps.<id>.error`).
    public var error: JSONValue?

    public init(_ status: Status, result: JSONValue? = nil, error: JSONValue? = nil) {
        self.status = status
        self.result = result
        self.error = error
    }
}

/// Why a step did not run, shown on the run's graph and in `step.skipped` events.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// Its `if:` was false (the condition as written).
    case conditionFalse(String)
    /// A step it depends on did not succeed (and it has no status function to run anyway).
    case needNotSucceeded(step: String, outcome: StepOutcome)
    /// An `on_failure` step whose steps all ended without failing.
    case nothingFailed
    /// The run was cancelled before the step started.
    case runCancelled

    public var description: String {
        switch self {
        case .conditionFalse(let text): "condition false: \(text)"
        case .needNotSucceeded(let step, let outcome): "needed step '\(step)' \(outcome.phrase)"
        case .nothingFailed: "no step it handles failed"
        case .runCancelled: "the run was cancelled"
        }
    }
}

/// How a step ended, as expressions read it (`steps.build.outcome == 'success'`), GitHub's words.
public enum StepOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    case success, failure, cancelled, skipped

    var phrase: String {
        switch self {
        case .success: "succeeded"
        case .failure: "failed"
        case .cancelled: "was cancelled"
        case .skipped: "was skipped"
        }
    }
}

extension StepRecord {
    /// The step's state in one word: `pending`, `running`, `succeeded`, `failed`, `skipped`, `cancelled`.
    public var status: String {
        switch self {
        case .pending: "pending"
        case .skipped: "skipped"
        case .failedToStart: "failed"
        case .started:
            switch outcome {
            case nil: "running"
            case .success: "succeeded"
            case .failure: "failed"
            case .cancelled: "cancelled"
            case .skipped: "skipped"
            }
        }
    }

    /// How it ended, before `continue_on_error`; nil while pending or running. A matrix step
    /// ends when all its tasks have: failed if one failed, else cancelled if one was, else success.
    public var outcome: StepOutcome? {
        switch self {
        case .pending: return nil
        case .skipped: return .skipped
        case .failedToStart: return .failure
        case .started(let instances):
            guard !instances.contains(where: { $0.status == .running }) else { return nil }
            if instances.contains(where: { $0.status == .failed }) { return .failure }
            if instances.contains(where: { $0.status == .cancelled }) { return .cancelled }
            return .success
        }
    }

    /// Whether the step has ended (any outcome).
    public var isFinished: Bool { outcome != nil }
}
