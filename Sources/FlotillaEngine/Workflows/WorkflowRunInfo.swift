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
    /// Only the row's own fields: the answer to `Prefer: return=minimal` (no inputs, trigger,
    /// progress or steps), which costs no decoding of the run's state.
    public var isMinimal = false

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

    /// The run as its row alone says it (``isMinimal``).
    public static func minimal(_ row: WorkflowRunRow) -> WorkflowRunInfo {
        var info = WorkflowRunInfo(
            id: row.id, workflow: row.workflow, file: row.file, status: WorkflowRunStatus(rawValue: row.status) ?? .running,
            inputs: .null, trigger: .null, rerunOf: row.rerunOf, cancelReason: row.cancelReason,
            createdAt: row.createdAt, updatedAt: row.updatedAt, endedAt: row.endedAt, progress: WorkflowRunProgress(), steps: nil
        )
        info.isMinimal = true
        return info
    }

    /// The API's JSON: with `steps` when the info has them; without inputs, trigger and
    /// progress when minimal.
    public var json: JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(id), "workflow": .string(workflow), "file": .string(file), "status": .string(status.rawValue),
            "rerun_of": .optional(rerunOf), "cancel_reason": .optional(cancelReason),
            "created_at": .time(createdAt), "updated_at": .time(updatedAt), "ended_at": endedAt.map(JSONValue.time) ?? .null,
        ]
        guard !isMinimal else { return .object(out) }
        out["inputs"] = inputs
        out["trigger"] = trigger
        out["progress"] = progress.json
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

extension JSONValue {
    /// A string, or null.
    static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// A time as the API writes it (ISO-8601, milliseconds, UTC).
    static func time(_ seconds: Double) -> JSONValue { .string(Timestamp.iso8601(seconds)) }
}
