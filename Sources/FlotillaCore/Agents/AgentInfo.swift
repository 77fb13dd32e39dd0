/// An agent's lifecycle state as the hub sees it.
public enum AgentState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Connected, ready, with a free slot.
    case idle
    /// Holds assigned work it has not started yet.
    case assigned
    /// Running at least one task.
    case working
    /// Takes no new work; finishing what it holds.
    case draining
    /// Takes no work until its subscription's usage limit resets (`paused_until` in its
    /// heartbeat), then `idle` again by itself.
    case paused
    case offline
}

/// What an agent says about itself when it registers.
public struct AgentRegistration: Sendable, Hashable {
    public var id: String
    public var roles: [String]
    public var capabilities: [String]
    public var concurrency: Int
    public var executor: String?
    public var version: String?
    public var pid: Int?
    public var host: String?

    public init(id: String, roles: [String], capabilities: [String] = [], concurrency: Int = 1, executor: String? = nil, version: String? = nil, pid: Int? = nil, host: String? = nil) {
        self.id = id
        self.roles = roles
        self.capabilities = capabilities
        self.concurrency = concurrency
        self.executor = executor
        self.version = version
        self.pid = pid
        self.host = host
    }

    public static let maxConcurrency = 1024

    /// The members of a registration on the wire (a `register` payload, the store's row,
    /// `/api/agents`): each name is spelled here only.
    public enum Field: String, CaseIterable, Sendable {
        case agentID = "agent_id"
        case capabilities, concurrency, executor, host, id, pid, roles, version
    }

    /// Reads a `register` envelope. Roles come from `payload.roles`, else the envelope's `role`.
    public init(envelope: Envelope) throws(FlotillaError) {
        try self.init(payload: envelope.payload, agentID: envelope.agentID, role: envelope.role, prefix: "payload.")
    }

    /// Whether `id` is a valid agent id: 1–128 characters of letters, digits and `. _ - : /`.
    public static func isValidID(_ id: String) -> Bool {
        (try? FieldReader(object: [:], prefix: "").checkName(id, field: "agent_id", maxLength: 128)) != nil
    }

    /// Reads a registration as stored (``json``).
    public init(json: JSONValue) throws(FlotillaError) {
        try self.init(payload: json, agentID: json[Field.id.rawValue]?.stringValue, role: nil, prefix: "")
    }

    private init(payload: JSONValue, agentID: String?, role: String?, prefix: String) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: payload.objectValue ?? [:], prefix: prefix)
        guard let id = agentID ?? payload[F.agentID.rawValue]?.stringValue else {
            throw FlotillaError(.missingField, "register needs 'agent_id'.", field: F.agentID.rawValue)
        }
        try reader.checkName(id, field: F.agentID.rawValue, maxLength: 128)
        var roles = try reader.strings(F.roles.rawValue) ?? []
        if roles.isEmpty, let role { roles = [role] }
        if roles.isEmpty { roles = [RoleTable.defaultRole] }
        for role in roles { try reader.checkName(role, field: F.roles.rawValue, maxLength: 64) }
        let capabilities = try reader.strings(F.capabilities.rawValue) ?? []
        let concurrency = try reader.int(F.concurrency.rawValue, range: 1...Self.maxConcurrency) ?? 1
        self.init(
            id: id,
            roles: roles.uniquedPreservingOrder(),
            capabilities: capabilities.uniquedPreservingOrder(),
            concurrency: concurrency,
            executor: try reader.string(F.executor.rawValue),
            version: try reader.string(F.version.rawValue),
            pid: try reader.int(F.pid.rawValue, range: 0...Int(Int32.max)),
            host: try reader.string(F.host.rawValue)
        )
    }

    public var json: JSONValue {
        [
            Field.id.rawValue: .string(id),
            Field.roles.rawValue: .array(roles.map { .string($0) }),
            Field.capabilities.rawValue: .array(capabilities.map { .string($0) }),
            Field.concurrency.rawValue: .int(Int64(concurrency)),
            Field.executor.rawValue: executor.map { .string($0) } ?? .null,
            Field.version.rawValue: version.map { .string($0) } ?? .null,
            Field.pid.rawValue: pid.map { .int(Int64($0)) } ?? .null,
            Field.host.rawValue: host.map { .string($0) } ?? .null,
        ]
    }
}
