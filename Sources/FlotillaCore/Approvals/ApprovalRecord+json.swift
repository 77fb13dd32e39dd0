extension ApprovalRecord {
    /// `{"id","agent_id","role","task_id","attempt","source","tool","subject","detail","input",
    /// "read_only","choices","state","created_at","expires_at","decided_at","decided_by",
    /// "decider","reason","choice"}` (docs/approvals.md); times as seconds since the epoch.
    public var json: JSONValue {
        var out = question.members
        out["id"] = .string(id)
        out["agent_id"] = .string(agentID)
        out["role"] = role.map(JSONValue.string) ?? .null
        out["state"] = .string(state.rawValue)
        out["created_at"] = .double(createdAt)
        out["expires_at"] = .double(expiresAt)
        out["decided_at"] = decidedAt.map(JSONValue.double) ?? .null
        out["decided_by"] = decidedBy.map { .string($0.rawValue) } ?? .null
        out["decider"] = decider.map(JSONValue.string) ?? .null
        out["reason"] = reason.map(JSONValue.string) ?? .null
        out["choice"] = choice.map(JSONValue.string) ?? .null
        return .object(out)
    }

    /// Reads ``json`` back (clients, the CLI); the `ref` is not part of it.
    public init(json: JSONValue) throws(FlotillaError) {
        guard let object = json.objectValue else {
            throw FlotillaError(.invalidField, "An approval must be a JSON object, got \(json.typeName).")
        }
        let reader = FieldReader(object: object, prefix: "")
        self.init(
            id: try reader.requiredString("id"),
            agentID: try reader.requiredString("agent_id"),
            role: try reader.string("role"),
            question: try ApprovalQuestion(json: json),
            state: try reader.requiredCase("state", "approval state"),
            createdAt: try reader.double("created_at") ?? 0,
            expiresAt: try reader.double("expires_at") ?? 0,
            decidedAt: try reader.double("decided_at"),
            decidedBy: try reader.string("decided_by").map { raw throws(FlotillaError) in
                guard let value = ApprovalDecider(rawValue: raw) else {
                    throw FlotillaError(.invalidField, "Unknown decider '\(raw)'.", field: "decided_by")
                }
                return value
            },
            decider: try reader.string("decider"),
            reason: try reader.string("reason"),
            choice: try reader.string("choice")
        )
    }
}
