public import FlotillaCore

/// A workflow run as the API shows it (docs/api.md, `GET /api/workflow-runs/{id}`): lists
/// carry it without ``steps``.
public struct WorkflowRunInfo: Sendable, Hashable {
    public var id: String
    public var workflow: String
    public var file: String
    public var status: WorkflowRunStatus
    /// The resolved inputs.
    public var inputs: JSONValue
    /// What started the run; always has `kind`.
    public var trigger: JSONValue
    public var rerunOf: String?
    public var cancelReason: String?
    public var createdAt: Double
    public var updatedAt: Double
    public var endedAt: Double?
    public var progress: WorkflowRunProgress
    /// Each step in file order; nil in lists.
    public var steps: [WorkflowStepInfo]?

    public init(
        id: String, workflow: String, file: String, status: WorkflowRunStatus, inputs: JSONValue, trigger: JSONValue,
        rerunOf: String?, cancelReason: String?, createdAt: Double, updatedAt: Double, endedAt: Double?,
        progress: WorkflowRunProgress, steps: [WorkflowStepInfo]?
    ) {
        self.id = id
        self.workflow = workflow
        self.file = file
        self.status = status
        self.inputs = inputs
        self.trigger = trigger
        self.rerunOf = rerunOf
        self.cancelReason = cancelReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.endedAt = endedAt
        self.progress = progress
        self.steps = steps
    }

    /// The run without its steps, as lists show it.
    public var summary: WorkflowRunInfo {
        var out = self
        out.steps = nil
        return out
    }

    /// The API's JSON: with `steps` when the info has them.
    public var json: JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(id), "workflow": .string(workflow), "file": .string(file), "status": .string(status.rawValue),
            "inputs": inputs, "trigger": trigger, "rerun_of": .optional(rerunOf), "cancel_reason": .optional(cancelReason),
            "created_at": .time(createdAt), "updated_at": .time(updatedAt), "ended_at": endedAt.map(JSONValue.time) ?? .null,
            "progress": progress.json,
        ]
        if let steps { out["steps"] = .array(steps.map(\.json)) }
        return .object(out)
    }
}

/// How many steps of a run are in each state.
public struct WorkflowRunProgress: Sendable, Hashable {
    public var total = 0
    public var pending = 0
    public var running = 0
    public var succeeded = 0
    public var failed = 0
    public var skipped = 0
    public var cancelled = 0

    public init() {}

    /// Counts one step in `status` (``WorkflowStepInfo/status``).
    public mutating func count(_ status: String) {
        total += 1
        switch status {
        case "running": running += 1
        case "succeeded": succeeded += 1
        case "failed": failed += 1
        case "skipped": skipped += 1
        case "cancelled": cancelled += 1
        default: pending += 1
        }
    }

    public var json: JSONValue {
        [
            "total": .int(Int64(total)), "pending": .int(Int64(pending)), "running": .int(Int64(running)),
            "succeeded": .int(Int64(succeeded)), "failed": .int(Int64(failed)), "skipped": .int(Int64(skipped)),
            "cancelled": .int(Int64(cancelled)),
        ]
    }
}

/// One step of a run.
public struct WorkflowStepInfo: Sendable, Hashable {
    public var id: String
    /// `pending`, `running`, `succeeded`, `failed`, `skipped`, `cancelled`.
    public var status: String
    /// `success`, `failure`, `cancelled`, `skipped`; nil until it ended.
    public var outcome: String?
    /// The outcome after `continue_on_error`.
    public var conclusion: String?
    public var needs: [String]
    public var onFailure: [String]
    /// The step's `if:` as written.
    public var condition: String?
    public var skipReason: String?
    /// `{code, message}` when it failed to start, or its (first failed) task's error.
    public var error: JSONValue?
    public var startedAt: Double?
    public var endedAt: Double?
    public var tasks: [WorkflowTaskInfo]

    public init(
        id: String, status: String, outcome: String?, conclusion: String?, needs: [String], onFailure: [String], condition: String?,
        skipReason: String?, error: JSONValue?, startedAt: Double?, endedAt: Double?, tasks: [WorkflowTaskInfo]
    ) {
        self.id = id
        self.status = status
        self.outcome = outcome
        self.conclusion = conclusion
        self.needs = needs
        self.onFailure = onFailure
        self.condition = condition
        self.skipReason = skipReason
        self.error = error
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.tasks = tasks
    }

    public var json: JSONValue {
        [
            "id": .string(id), "status": .string(status), "outcome": .optional(outcome), "conclusion": .optional(conclusion),
            "needs": .array(needs.map { .string($0) }), "on_failure": .array(onFailure.map { .string($0) }),
            "if": .optional(condition), "skip_reason": .optional(skipReason), "error": error ?? .null,
            "started_at": startedAt.map(JSONValue.time) ?? .null, "ended_at": endedAt.map(JSONValue.time) ?? .null,
            "tasks": .array(tasks.map(\.json)),
        ]
    }
}

/// One task of a step (one per matrix combination).
public struct WorkflowTaskInfo: Sendable, Hashable {
    public var id: String
    public var matrixIndex: Int?
    /// The combination (`{os: linux}`), for a matrix step.
    public var matrix: JSONValue?
    /// The task's state (`queued`, `running`, `succeeded`, `dead`…).
    public var state: String
    public var result: JSONValue?
    public var error: JSONValue?

    public init(id: String, matrixIndex: Int?, matrix: JSONValue?, state: String, result: JSONValue?, error: JSONValue?) {
        self.id = id
        self.matrixIndex = matrixIndex
        self.matrix = matrix
        self.state = state
        self.result = result
        self.error = error
    }

    public var json: JSONValue {
        [
            "id": .string(id), "matrix_index": matrixIndex.map { .int(Int64($0)) } ?? .null, "matrix": matrix ?? .null,
            "state": .string(state), "result": result ?? .null, "error": error ?? .null,
        ]
    }
}

extension JSONValue {
    /// A string, or null.
    static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// A time as the API writes it (ISO-8601, milliseconds, UTC).
    static func time(_ seconds: Double) -> JSONValue { .string(Timestamp.iso8601(seconds)) }
}
