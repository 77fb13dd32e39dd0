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
        try self.init(payload: json, agentID: json["id"]?.stringValue, role: nil, prefix: "")
    }

    private init(payload: JSONValue, agentID: String?, role: String?, prefix: String) throws(FlotillaError) {
        let reader = FieldReader(object: payload.objectValue ?? [:], prefix: prefix)
        guard let id = agentID ?? payload["agent_id"]?.stringValue else {
            throw FlotillaError(.missingField, "register needs 'agent_id'.", field: "agent_id")
        }
        try reader.checkName(id, field: "agent_id", maxLength: 128)
        var roles = try reader.strings("roles") ?? []
        if roles.isEmpty, let role { roles = [role] }
        if roles.isEmpty { roles = [RoleTable.defaultRole] }
        for role in roles { try reader.checkName(role, field: "roles", maxLength: 64) }
        let capabilities = try reader.strings("capabilities") ?? []
        let concurrency = try reader.int("concurrency", range: 1...Self.maxConcurrency) ?? 1
        self.init(
            id: id,
            roles: roles.uniquedPreservingOrder(),
            capabilities: capabilities.uniquedPreservingOrder(),
            concurrency: concurrency,
            executor: try reader.string("executor"),
            version: try reader.string("version"),
            pid: try reader.int("pid", range: 0...Int(Int32.max)),
            host: try reader.string("host")
        )
    }

    public var json: JSONValue {
        [
            "id": .string(id),
            "roles": .array(roles.map { .string($0) }),
            "capabilities": .array(capabilities.map { .string($0) }),
            "concurrency": .int(Int64(concurrency)),
            "executor": executor.map { .string($0) } ?? .null,
            "version": version.map { .string($0) } ?? .null,
            "pid": pid.map { .int(Int64($0)) } ?? .null,
            "host": host.map { .string($0) } ?? .null,
        ]
    }
}
