public import FlotillaCore

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
