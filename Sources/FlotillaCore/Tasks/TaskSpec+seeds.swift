/// The other ways of asking for work, read into a ``TaskSpec`` beside the bare spec:
///
/// - the message envelope (``Envelope``'s members), `{"id","type","ts"|"timestamp","agent_id","role",
///   "payload","metadata":{"priority","retry_count","ttl"}}`: `type` is the task type, `payload`
///   its payload, `metadata.priority` its priority, `metadata.ttl` its time-to-live in seconds,
///   `agent_id` the submitter, `id` the idempotency key. `role` is the sender's role, as on every
///   envelope: the task's role follows its type (``RoleTable``);
/// - a task in words, `{"task":"deploy auth system","priority":"high"}`: `task` is
///   the prompt, the type ``naturalLanguageType`` (role `general`: an agent that reads prompts).
extension TaskSpec {
    /// The shape a submitted object has.
    public enum SubmittedForm: Sendable, Hashable {
        /// The task spec of docs/api.md.
        case spec
        /// The message envelope around one task.
        case seedsEnvelope
        /// `{"task": "<words>", …}`.
        case naturalLanguage
    }

    /// Members only the message envelope has: an object with any of them is read as one. A bare
    /// spec never has them (they are not among its ``knownFields``), so no spec changes meaning.
    public static let seedsEnvelopeMarkers: Set<String> = ["ts", "timestamp", "agent_id"]
    /// Members the message envelope (and a task in words) may have.
    public static let seedsEnvelopeFields: Set<String> = [
        "id", "type", "ts", "timestamp", "agent_id", "role", "payload", "metadata", "task", "priority",
    ]
    /// The type of a task given in words: ``RoleTable`` routes `code.generate` ("generate code from
    /// prompt") to `general`, the role of agents that take a prompt.
    public static let naturalLanguageType = "code.generate"

    public static func form(of object: [String: JSONValue]) -> SubmittedForm {
        if object["task"] != nil { return object["type"] == nil ? .naturalLanguage : .seedsEnvelope }
        if object.keys.contains(where: seedsEnvelopeMarkers.contains) { return .seedsEnvelope }
        return .spec
    }

    /// Reads a submitted task in any of its forms (see ``form(of:)``).
    public init(submitted json: JSONValue, index: Int? = nil) throws(FlotillaError) {
        if case .object(let object) = json, Self.form(of: object) != .spec {
            try self.init(seeds: object, index: index)
        } else {
            try self.init(json: json, index: index)
        }
    }

    /// Reads a request published on one of the request topics (`tests/run`, …): the
    /// message envelope (or a task in words), of `defaultType` when it names no `type`. Its `id`
    /// is the idempotency key even without the envelope's other members, so a request the broker
    /// delivers twice makes one task.
    public init(request json: JSONValue, defaultType: String) throws(FlotillaError) {
        guard case .object(var object) = json else {
            throw FlotillaError(.invalidField, "A request must be a JSON object like {\"id\",\"timestamp\",\"agent_id\",\"payload\"}, got \(json.typeName).")
        }
        if object["type"] == nil { object["type"] = .string(defaultType) }
        try self.init(seeds: object, index: nil)
    }

    /// Reads the message envelope or a task in words. Anything outside ``seedsEnvelopeFields`` is
    /// refused, as for a bare spec.
    init(seeds object: [String: JSONValue], index: Int?) throws(FlotillaError) {
        let reader = FieldReader(object: object, batchIndex: index)
        var prefix: String { reader.prefix }
        if let unknown = object.keys.sorted().first(where: { !Self.seedsEnvelopeFields.contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown field '\(unknown)' in a message envelope (read as one because it has \(Self.seedsEnvelopeMarkers.sorted().joined(separator: ", ")) or 'task'). Known fields: \(Self.seedsEnvelopeFields.sorted().joined(separator: ", ")).", field: prefix + unknown)
        }
        _ = try reader.string("ts")
        _ = try reader.string("timestamp")
        let prompt = try reader.string("task")
        if let prompt, prompt.allSatisfy(\.isWhitespace) {
            throw FlotillaError(.invalidField, "'task' must say what to do, got an empty string.", field: prefix + "task")
        }
        let type = try reader.string("type") ?? (prompt == nil ? nil : Self.naturalLanguageType)
        guard let type else { throw FlotillaError(.missingField, "'type' is required (or 'task' with the work in words).", field: prefix + "type") }
        try reader.checkName(type, field: "type", maxLength: 128)
        // The sender's role (`"role": "agent-role"`), checked but not the task's.
        if let role = try reader.string("role") { try reader.checkName(role, field: "role", maxLength: 64) }
        let submitter = try reader.string("agent_id")
        if let submitter { try reader.checkName(submitter, field: "agent_id", maxLength: 128) }
        let key = try reader.string("id")
        if let key, key.isEmpty || key.utf8.count > 256 {
            throw FlotillaError(.invalidField, "'id' (the idempotency key) must be 1 to 256 bytes.", field: prefix + "id")
        }
        let payload = try reader.object("payload") ?? .object([:])
        let metadata = try reader.object("metadata")
        let meta = FieldReader(object: metadata?.objectValue ?? [:], prefix: prefix + "metadata.")
        var priority = Priority.normal
        for (source, name) in [(reader, "priority"), (meta, "priority")] {
            guard let raw = try source.string(name) else { continue }
            guard let value = Priority(rawValue: raw) else {
                throw FlotillaError(.invalidField, "Unknown priority '\(raw)': use critical, high, normal or low.", field: source.prefix + name)
            }
            priority = value
            break
        }
        _ = try meta.int("retry_count", range: 0...Int(Int32.max))
        self.init(
            type: type,
            priority: priority,
            payload: payload,
            prompt: prompt,
            idempotencyKey: key,
            metadata: metadata,
            ttlSeconds: try meta.int("ttl", range: Self.ttlRange),
            submitter: submitter
        )
    }
}
