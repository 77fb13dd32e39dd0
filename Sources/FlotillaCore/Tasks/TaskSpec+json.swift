/// The spec on the wire: what a submitter sends, what the store keeps and (with the task's `id`
/// and `attempt`) what an agent receives. Every member name is spelled in ``Field`` and nowhere
/// else; ``init(json:index:unknownFields:)`` reads what ``writeMembers(to:includingID:around:)``
/// writes.
extension TaskSpec {
    /// The spec's members, by their names on the wire, in the order they are written.
    public enum Field: String, CaseIterable, Sendable {
        case budget, capabilities, complexity, context
        case dependsOn = "depends_on"
        case id
        case idempotencyKey = "idempotency_key"
        case maxAttempts = "max_attempts"
        case metadata, payload, priority, prompt, repo, role, roles, submitter
        case successCriteria = "success_criteria"
        /// Accepted on submission for `timeout_seconds`; never written.
        case timeout
        case timeoutSeconds = "timeout_seconds"
        case ttlSeconds = "ttl_seconds"
        case type, verify
    }

    /// The spec as JSON, in the same field names the API accepts (what a client submits).
    public var json: JSONValue {
        // Text this writer produced always parses.
        (try? JSONValue.parse(String(decoding: submissionBytes, as: UTF8.self))) ?? .null
    }

    /// The spec as the store keeps it, as UTF-8: without the client-chosen `id`, which became
    /// the task's own.
    public var jsonBytes: [UInt8] { bytes(includingID: false) }

    /// The spec as a client submits it, as UTF-8: with its `id` when it chose one.
    public var submissionBytes: [UInt8] { bytes(includingID: true) }

    private func bytes(includingID: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var object = JSONObjectWriter(appendingTo: &out)
        writeMembers(to: &object, includingID: includingID)
        object.finish(into: &out)
        return out
    }

    /// The members ``writeMembers(to:includingID:around:)`` calls `around` before, in order
    /// (every field but ``Field/timeout``, which is only read).
    static let writtenFields: [Field] = Field.allCases.filter { $0 != .timeout }

    /// Writes the spec's members into `object`, member by member in key order. `around` lets the
    /// object's owner (a task record, an assignment) put its own members among them: it is
    /// called before each spec member with that member's field, and with nil after the last,
    /// and writes those of its members that sort before it.
    func writeMembers(
        to object: inout JSONObjectWriter,
        includingID: Bool = false,
        around: (Field?, inout JSONObjectWriter) -> Void = { _, _ in }
    ) {
        around(.budget, &object)
        object.memberIfPresent(Field.budget, budget)
        around(.capabilities, &object)
        object.member(Field.capabilities, .array(capabilities.map { .string($0) }))
        around(.complexity, &object)
        object.memberIfPresent(Field.complexity, complexity.map { .string($0.rawValue) })
        around(.context, &object)
        object.memberIfPresent(Field.context, context)
        around(.dependsOn, &object)
        object.member(Field.dependsOn, .array(dependsOn.map { .string($0) }))
        around(.id, &object)
        if includingID, let id { object.member(Field.id, id) }
        around(.idempotencyKey, &object)
        object.memberIfPresent(Field.idempotencyKey, idempotencyKey.map { .string($0) })
        around(.maxAttempts, &object)
        object.member(Field.maxAttempts, maxAttempts)
        around(.metadata, &object)
        object.memberIfPresent(Field.metadata, metadata)
        around(.payload, &object)
        object.member(Field.payload, payload)
        around(.priority, &object)
        object.member(Field.priority, priority.rawValue)
        around(.prompt, &object)
        object.memberIfPresent(Field.prompt, prompt.map { .string($0) })
        around(.repo, &object)
        object.memberIfPresent(Field.repo, repo.map { .string($0) })
        around(.role, &object)
        object.member(Field.role, role)
        around(.roles, &object)
        object.member(Field.roles, .array(roles.map { .string($0) }))
        around(.submitter, &object)
        object.memberIfPresent(Field.submitter, submitter.map { .string($0) })
        around(.successCriteria, &object)
        object.memberIfPresent(Field.successCriteria, successCriteria)
        around(.timeoutSeconds, &object)
        object.memberIfPresent(Field.timeoutSeconds, timeoutSeconds.map { .int(Int64($0)) })
        around(.ttlSeconds, &object)
        object.memberIfPresent(Field.ttlSeconds, ttlSeconds.map { .int(Int64($0)) })
        around(.type, &object)
        object.member(Field.type, type)
        around(.verify, &object)
        object.member(Field.verify, .array(verify.map { .string($0) }))
        around(nil, &object)
    }
}

/// Where an owner's members go among a spec's (see ``TaskSpec/writeMembers(to:includingID:around:)``),
/// worked out once per list of members: writing a record then compares no names.
struct InterleavePlan<Field: RawRepresentable<String> & Sendable>: Sendable {
    let fields: [Field]
    /// For each call of `around`, in order: how many of ``fields`` are written by its end.
    let ends: [Int]

    /// `fields` in key order.
    init(_ fields: [Field]) {
        var ends: [Int] = []
        var next = 0
        for bound in TaskSpec.writtenFields {
            while next < fields.count, fields[next].rawValue.utf8.lexicographicallyPrecedes(bound.rawValue.utf8) { next += 1 }
            ends.append(next)
        }
        ends.append(fields.count)
        self.fields = fields
        self.ends = ends
    }
}

/// Writes an owner's members among a spec's, following its ``InterleavePlan``.
struct InterleavedMembers<Field: RawRepresentable<String> & Sendable> {
    private let plan: InterleavePlan<Field>
    private var step = 0
    private var next = 0

    init(_ plan: InterleavePlan<Field>) { self.plan = plan }

    /// Called from `around`: writes the members due before the spec's next one (or the end).
    mutating func write(to object: inout JSONObjectWriter, _ write: (Field, inout JSONObjectWriter) -> Void) {
        let end = plan.ends[step]
        step += 1
        while next < end {
            write(plan.fields[next], &object)
            next += 1
        }
    }
}
