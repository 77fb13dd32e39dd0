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

    /// The event's members on the wire.
    public enum Field: String, CaseIterable, Sendable {
        case agentID = "agent_id"
        case data, seq
        case taskID = "task_id"
        case ts, type
    }

    /// The task fields every task event's `data` carries.
    public struct TaskFields: Sendable, Hashable {
        /// Their names in `data`: the task's own (``TaskSpec/Field``, ``TaskRecord/Field``), in
        /// key order.
        public enum Field: CaseIterable, Sendable, RawRepresentable {
            case attempt, priority, role, state, type

            public init?(rawValue: String) {
                guard let field = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
                self = field
            }

            public var rawValue: String {
                switch self {
                case .attempt: TaskRecord.Field.attempt.rawValue
                case .priority: TaskSpec.Field.priority.rawValue
                case .role: TaskSpec.Field.role.rawValue
                case .state: TaskRecord.Field.state.rawValue
                case .type: TaskSpec.Field.type.rawValue
                }
            }
        }

        /// The value of `field`, as `data` carries it.
        func value(of field: Field) -> JSONValue {
            switch field {
            case .attempt: .int(Int64(attempt))
            case .priority: .string(priority.rawValue)
            case .role: .string(role)
            case .state: .string(state.rawValue)
            case .type: .string(type)
            }
        }

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
        for field in TaskFields.Field.allCases { out[field.rawValue] = task.value(of: field) }
        return .object(out)
    }

    public var json: JSONValue {
        [
            Field.seq.rawValue: .int(seq),
            Field.type.rawValue: .string(type),
            Field.ts.rawValue: .string(Timestamp.iso8601(ts)),
            Field.data.rawValue: data,
            Field.taskID.rawValue: taskID.map { .string($0) } ?? .null,
            Field.agentID.rawValue: agentID.map { .string($0) } ?? .null,
        ]
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
