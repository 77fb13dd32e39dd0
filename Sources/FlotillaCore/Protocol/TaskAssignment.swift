/// An `assignment` envelope's payload: `{"attempt","lease_seconds","task":{…the spec, "id",
/// "attempt"},"task_id"}`. The hub writes it straight from its ``TaskRecord``
/// (``Envelope/Body/assignment(task:leaseSeconds:)``, on the fast path); an agent reads it
/// with ``init(payload:)``. Both use the names in ``Field`` and the spec's ``TaskSpec/Field``.
public struct TaskAssignment: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case attempt
        case leaseSeconds = "lease_seconds"
        case task
        case taskID = "task_id"
    }

    public var taskID: String
    /// The attempt number: with ``taskID``, the fencing token every report carries.
    public var attempt: Int
    /// How long the lease runs without a heartbeat; nil when the hub named none.
    public var leaseSeconds: Double?
    /// The task as submitted.
    public var spec: TaskSpec

    public init(taskID: String, attempt: Int, leaseSeconds: Double? = nil, spec: TaskSpec) {
        self.taskID = taskID
        self.attempt = attempt
        self.leaseSeconds = leaseSeconds
        self.spec = spec
    }

    /// Reads the payload. The task is read as the hub wrote it: members a newer hub adds are
    /// skipped, not refused.
    public init(payload: JSONValue) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: payload.objectValue ?? [:], prefix: "payload.")
        let taskID = try reader.requiredString(F.taskID.rawValue)
        guard let attempt = try reader.int(F.attempt.rawValue, range: 1...Int(Int32.max)) else {
            throw FlotillaError(.missingField, "An assignment needs 'payload.\(F.attempt.rawValue)'.", field: "payload." + F.attempt.rawValue)
        }
        guard let task = payload[F.task.rawValue], task.objectValue != nil else {
            throw FlotillaError(.missingField, "An assignment needs 'payload.\(F.task.rawValue)', the task.", field: "payload." + F.task.rawValue)
        }
        var spec = try TaskSpec(json: task, unknownFields: .ignore)
        // The task's `id` is the task's own (``taskID``), not a client-chosen one.
        spec.id = nil
        self.init(taskID: taskID, attempt: attempt, leaseSeconds: try reader.double(F.leaseSeconds.rawValue), spec: spec)
    }

    /// Appends the payload for `task`'s current attempt.
    static func write(_ task: TaskRecord, leaseSeconds: Double, to out: inout [UInt8]) {
        var object = JSONObjectWriter(appendingTo: &out)
        object.member(Field.attempt, task.attempt)
        object.member(Field.leaseSeconds, .double(leaseSeconds))
        object.member(Field.task) { task.writeJSON(TaskRecord.assignmentPlan, to: &$0) }
        object.member(Field.taskID, task.id)
        object.finish(into: &out)
    }
}
