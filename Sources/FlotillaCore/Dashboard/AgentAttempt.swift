/// One attempt an agent ran, as `GET /api/agents/{id}/attempts` lists it: the attempt with its
/// task's type and role (the agent's page shows what kind of work it did).
public struct AgentAttempt: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case attempt
        case endedAt = "ended_at"
        case error, outcome, role
        case startedAt = "started_at"
        case taskID = "task_id"
        case type
    }

    public var record: AttemptRecord
    public var type: String
    public var role: String

    public init(record: AttemptRecord, type: String, role: String) {
        self.record = record
        self.type = type
        self.role = role
    }

    public var json: JSONValue {
        typealias F = Field
        return [
            F.taskID.rawValue: .string(record.taskID),
            F.attempt.rawValue: .int(Int64(record.number)),
            F.type.rawValue: .string(type),
            F.role.rawValue: .string(role),
            F.startedAt.rawValue: .string(Timestamp.iso8601(record.startedAt)),
            F.endedAt.rawValue: record.endedAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
            F.outcome.rawValue: record.outcome.map { .string($0.rawValue) } ?? .null,
            F.error.rawValue: record.error.map { .string($0) } ?? .null,
        ]
    }
}
