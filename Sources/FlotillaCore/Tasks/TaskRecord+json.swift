extension TaskRecord {
    /// The record as the API shows it, as UTF-8 JSON: the spec's fields, the task's life so
    /// far, and `attempts` (the attempt history) when given.
    ///
    /// Written field by field, in the key order ``JSONValue`` uses: the API answers a batch
    /// submission with every task it created, and building, hashing and sorting a 30-member
    /// dictionary per task cost more than the rest of the answer.
    /// `waiting`, when given, is written as is (why an unfinished task waits, or null).
    public func jsonBytes(attempts: [AttemptRecord]? = nil, waiting: JSONValue? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        writeJSON(attempts: attempts, waiting: waiting, to: &out)
        return out
    }

    /// The record's own members on the wire (the spec's are ``TaskSpec/Field``), in key order.
    public enum Field: String, CaseIterable, Sendable {
        case agentID = "agent_id"
        case attempt, attempts
        case createdAt = "created_at"
        case error
        case finishedAt = "finished_at"
        case id
        case leaseExpiresAt = "lease_expires_at"
        case progress
        case progressMessage = "progress_message"
        case queuedAt = "queued_at"
        case reason, result
        case retryAt = "retry_at"
        case state
        case updatedAt = "updated_at"
        case waiting
    }

    /// The members an assignment's `task` carries beside the spec.
    static let assignmentPlan = InterleavePlan([Field.attempt, .id])
    /// The members every view of a record has (``Field/attempts`` and ``Field/waiting`` only
    /// when given).
    private static let viewPlan = InterleavePlan(Field.allCases.filter { $0 != .attempts && $0 != .waiting })
    /// A task shown on its own: with its attempts and why it waits.
    private static let detailPlan = InterleavePlan(Field.allCases)

    /// Appends ``jsonBytes(attempts:waiting:)`` to `out`.
    public func writeJSON(attempts: [AttemptRecord]? = nil, waiting: JSONValue? = nil, to out: inout [UInt8]) {
        let plan = switch (attempts != nil, waiting != nil) {
        case (false, false): Self.viewPlan
        case (true, true): Self.detailPlan
        default: InterleavePlan(Field.allCases.filter { ($0 != .attempts || attempts != nil) && ($0 != .waiting || waiting != nil) })
        }
        writeJSON(plan, attempts: attempts, waiting: waiting, to: &out)
    }

    /// Appends the spec with the record's members in `plan` among its members.
    func writeJSON(_ plan: InterleavePlan<Field>, attempts: [AttemptRecord]? = nil, waiting: JSONValue? = nil, to out: inout [UInt8]) {
        var object = JSONObjectWriter(appendingTo: &out)
        var own = InterleavedMembers(plan)
        spec.writeMembers(to: &object) { _, object in
            own.write(to: &object) { field, object in
                writeMember(field, attempts: attempts, waiting: waiting, to: &object)
            }
        }
        object.finish(into: &out)
    }

    private func writeMember(_ field: Field, attempts: [AttemptRecord]?, waiting: JSONValue?, to object: inout JSONObjectWriter) {
        switch field {
        case .agentID: object.member(field, agentID)
        case .attempt: object.member(field, attempt)
        case .attempts: object.member(field, .array((attempts ?? []).map(\.json)))
        case .createdAt: object.member(field, timestamp: createdAt)
        case .error: object.member(field, error)
        case .finishedAt: object.member(field, timestamp: finishedAt)
        case .id: object.member(field, id)
        case .leaseExpiresAt: object.member(field, timestamp: leaseExpiresAt)
        case .progress: object.member(field, progress.map { .double($0) } ?? .null)
        case .progressMessage: object.member(field, progressMessage)
        case .queuedAt: object.member(field, timestamp: queuedAt)
        case .reason: object.member(field, reason)
        case .result: object.member(field, result ?? .null)
        case .retryAt: object.member(field, timestamp: retryAt)
        case .state: object.member(field, state.rawValue)
        case .updatedAt: object.member(field, timestamp: updatedAt)
        case .waiting: object.member(field, waiting ?? .null)
        }
    }

    /// Appends `{"id","state"}`: the answer to a submission that asked for `Prefer: return=minimal`.
    public func writeMinimalJSON(to out: inout [UInt8]) {
        var object = JSONObjectWriter(appendingTo: &out)
        object.member(Field.id, id)
        object.member(Field.state, state.rawValue)
        object.finish(into: &out)
    }
}

extension Collection<TaskRecord> {
    /// `{"tasks":[…]}` (and `next_cursor` when given) as UTF-8: the API's task listings; with
    /// `minimal`, each task is only its id and state.
    public func jsonBytes(nextCursor: JSONValue? = nil, minimal: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((minimal ? 48 : 640) * count + 64)
        out.append(UInt8(ascii: "{"))
        if let nextCursor {
            JSONValue.writeString(TaskPage.Field.nextCursor.rawValue, to: &out)
            out.append(UInt8(ascii: ":"))
            nextCursor.write(to: &out)
            out.append(UInt8(ascii: ","))
        }
        JSONValue.writeString(TaskPage.Field.tasks.rawValue, to: &out)
        out.append(contentsOf: ":[".utf8)
        for (index, record) in enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if minimal { record.writeMinimalJSON(to: &out) } else { record.writeJSON(to: &out) }
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}

extension TaskRecord {
    /// Reads a record as the API shows it (what ``writeJSON(attempts:waiting:to:)`` writes):
    /// the spec through ``TaskSpec/init(json:index:unknownFields:)``, the record's own members
    /// here. The API does not show ``attemptBase`` or when the attempt started: they read as 0
    /// and nil. The spec's `id` is the task's (``id``), so the spec's own reads as nil.
    public init(json: JSONValue) throws(FlotillaError) {
        typealias F = Field
        guard case .object(let object) = json else {
            throw FlotillaError(.invalidField, "A task must be a JSON object, got \(json.typeName).")
        }
        var spec = try TaskSpec(json: json, unknownFields: .ignore)
        spec.id = nil
        let reader = FieldReader(object: object, prefix: "")
        let id = try reader.requiredString(F.id.rawValue)
        let state: TaskState = try reader.requiredCase(F.state.rawValue, "task state")
        self.init(id: id, spec: spec, state: state, now: try reader.timestamp(F.createdAt.rawValue) ?? 0)
        attempt = try reader.int(F.attempt.rawValue, range: 0...Int(Int32.max)) ?? 0
        agentID = try reader.string(F.agentID.rawValue)
        updatedAt = try reader.timestamp(F.updatedAt.rawValue) ?? createdAt
        queuedAt = try reader.timestamp(F.queuedAt.rawValue)
        retryAt = try reader.timestamp(F.retryAt.rawValue)
        leaseExpiresAt = try reader.timestamp(F.leaseExpiresAt.rawValue)
        finishedAt = try reader.timestamp(F.finishedAt.rawValue)
        progress = try reader.double(F.progress.rawValue)
        progressMessage = try reader.string(F.progressMessage.rawValue)
        result = reader.value(F.result.rawValue)
        error = try reader.string(F.error.rawValue)
        reason = try reader.string(F.reason.rawValue)
    }
}
