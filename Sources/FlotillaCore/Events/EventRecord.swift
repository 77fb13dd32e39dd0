/// One entry of the event log. `seq` is monotonic across the hub's whole life.
public struct EventRecord: Sendable {
    public var seq: Int64
    /// `task.queued`, `agent.online`, ...
    public var type: String
    public var ts: Double
    public var taskID: String?
    public var agentID: String?
    /// What every task event tells about its task; nil for other events.
    public var task: TaskFields?
    /// The members particular to this event (`reason`, `percent`, `from`/`to`, ...).
    public var details: [String: JSONValue]

    /// The task fields every task event's `data` carries.
    public struct TaskFields: Sendable, Hashable {
        public var state: TaskState
        public var type: String
        public var role: String
        public var priority: Priority
        public var attempt: Int

        public init(_ task: TaskRecord) {
            state = task.state
            type = task.spec.type
            role = task.spec.role
            priority = task.spec.priority
            attempt = task.attempt
        }
    }

    /// An event of `task`; its fields go into `data` beside `details` (and win over them).
    public init(seq: Int64, type: String, ts: Double, taskID: String? = nil, agentID: String? = nil, task: TaskFields?, details: [String: JSONValue] = [:]) {
        self.seq = seq
        self.type = type
        self.ts = ts
        self.taskID = taskID
        self.agentID = agentID
        self.task = task
        self.details = details
    }

    public init(seq: Int64, type: String, ts: Double, taskID: String? = nil, agentID: String? = nil, data: JSONValue = .object([:])) {
        self.init(seq: seq, type: type, ts: ts, taskID: taskID, agentID: agentID, task: nil, details: data.objectValue ?? [:])
    }

    /// The event's `data` object: `details` and, for a task event, the task's fields.
    public var data: JSONValue {
        guard let task else { return .object(details) }
        var out = details
        out["state"] = .string(task.state.rawValue)
        out["type"] = .string(task.type)
        out["role"] = .string(task.role)
        out["priority"] = .string(task.priority.rawValue)
        out["attempt"] = .int(Int64(task.attempt))
        return .object(out)
    }

    public var json: JSONValue {
        var out: [String: JSONValue] = [
            "seq": .int(seq),
            "type": .string(type),
            "ts": .string(Timestamp.iso8601(ts)),
            "data": data,
        ]
        out["task_id"] = taskID.map { .string($0) } ?? .null
        out["agent_id"] = agentID.map { .string($0) } ?? .null
        return .object(out)
    }
}

extension EventRecord: Hashable {
    /// Equal when they say the same: an event read back from the store, whose task fields are
    /// plain members of `details`, equals the one the scheduler emitted.
    public static func == (lhs: EventRecord, rhs: EventRecord) -> Bool {
        lhs.seq == rhs.seq && lhs.type == rhs.type && lhs.ts == rhs.ts && lhs.taskID == rhs.taskID
            && lhs.agentID == rhs.agentID && lhs.data == rhs.data
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seq)
        hasher.combine(type)
    }
}
