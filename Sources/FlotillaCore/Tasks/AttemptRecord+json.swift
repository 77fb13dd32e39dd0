/// An attempt as the API shows it (a task's `attempts`): the keys are spelled in ``Field`` only.
extension AttemptRecord {
    public enum Field: String, CaseIterable, Sendable {
        case agentID = "agent_id"
        case attempt
        case endedAt = "ended_at"
        case error, outcome
        case startedAt = "started_at"
    }

    public var json: JSONValue {
        [
            Field.attempt.rawValue: .int(Int64(number)),
            Field.agentID.rawValue: .string(agentID),
            Field.startedAt.rawValue: .string(Timestamp.iso8601(startedAt)),
            Field.endedAt.rawValue: endedAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
            Field.outcome.rawValue: outcome.map { .string($0.rawValue) } ?? .null,
            Field.error.rawValue: error.map { .string($0) } ?? .null,
        ]
    }

    /// Reads what ``json`` writes; the task's id is not among its members, so it is given.
    public init(json: JSONValue, taskID: String) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: json.objectValue ?? [:], prefix: "attempts.")
        guard let number = try reader.int(F.attempt.rawValue, range: 1...Int(Int32.max)) else {
            throw FlotillaError(.missingField, "An attempt needs '\(F.attempt.rawValue)'.", field: "attempts." + F.attempt.rawValue)
        }
        var outcome: Outcome?
        if let raw = try reader.string(F.outcome.rawValue) {
            guard let value = Outcome(rawValue: raw) else {
                throw FlotillaError(.invalidField, "Unknown attempt outcome '\(raw)'.", field: "attempts." + F.outcome.rawValue)
            }
            outcome = value
        }
        self.init(
            taskID: taskID,
            number: number,
            agentID: try reader.requiredString(F.agentID.rawValue),
            startedAt: try reader.timestamp(F.startedAt.rawValue) ?? 0,
            endedAt: try reader.timestamp(F.endedAt.rawValue),
            outcome: outcome,
            error: try reader.string(F.error.rawValue)
        )
    }
}
