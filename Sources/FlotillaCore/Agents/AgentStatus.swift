/// How the hub sees an agent registered with it: what it registered with, its state, what it
/// holds and how it has done. Made from the scheduler's ``AgentSlot``; written by ``json``
/// (the registration's members and these), read by ``init(json:)``.
public struct AgentStatus: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case accepting, completed, connected
        case connectedAt = "connected_at"
        case failed, heartbeat, held
        case lastSeen = "last_seen"
        case state
    }

    public var registration: AgentRegistration
    public var state: AgentState
    public var connected: Bool
    /// It said `ready`.
    public var accepting: Bool
    /// Tasks whose current attempt it holds, by id.
    public var held: [String]
    public var connectedAt: Double
    public var lastSeen: Double
    /// Its latest heartbeat body (uptime, rss, cpu, …).
    public var heartbeat: JSONValue?
    public var completed: Int
    public var failed: Int

    public init(registration: AgentRegistration, state: AgentState, connected: Bool, accepting: Bool, held: [String], connectedAt: Double, lastSeen: Double, heartbeat: JSONValue?, completed: Int, failed: Int) {
        self.registration = registration
        self.state = state
        self.connected = connected
        self.accepting = accepting
        self.held = held
        self.connectedAt = connectedAt
        self.lastSeen = lastSeen
        self.heartbeat = heartbeat
        self.completed = completed
        self.failed = failed
    }

    public init(_ slot: AgentSlot) {
        self.init(
            registration: slot.registration, state: slot.state, connected: slot.connection != nil, accepting: slot.accepting,
            held: slot.held.sorted(), connectedAt: slot.connectedAt, lastSeen: slot.lastSeen, heartbeat: slot.heartbeat,
            completed: slot.completed, failed: slot.failed
        )
    }

    /// The registration's members with the status's.
    public var members: [String: JSONValue] {
        var out = registration.json.objectValue ?? [:]
        out[Field.state.rawValue] = .string(state.rawValue)
        out[Field.connected.rawValue] = .bool(connected)
        out[Field.accepting.rawValue] = .bool(accepting)
        out[Field.held.rawValue] = .array(held.map { .string($0) })
        out[Field.connectedAt.rawValue] = .string(Timestamp.iso8601(connectedAt))
        out[Field.lastSeen.rawValue] = .string(Timestamp.iso8601(lastSeen))
        out[Field.heartbeat.rawValue] = heartbeat ?? .null
        out[Field.completed.rawValue] = .int(Int64(completed))
        out[Field.failed.rawValue] = .int(Int64(failed))
        return out
    }

    public var json: JSONValue { .object(members) }

    public init(json: JSONValue) throws(FlotillaError) {
        typealias F = Field
        let reader = FieldReader(object: json.objectValue ?? [:], prefix: "")
        let state: AgentState = try reader.requiredCase(F.state.rawValue, "agent state")
        let count = 0...Int.max
        self.init(
            registration: try AgentRegistration(json: json),
            state: state,
            connected: json[F.connected.rawValue]?.boolValue ?? false,
            accepting: json[F.accepting.rawValue]?.boolValue ?? false,
            held: try reader.strings(F.held.rawValue) ?? [],
            connectedAt: try reader.timestamp(F.connectedAt.rawValue) ?? 0,
            lastSeen: try reader.timestamp(F.lastSeen.rawValue) ?? 0,
            heartbeat: reader.value(F.heartbeat.rawValue),
            completed: try reader.int(F.completed.rawValue, range: count) ?? 0,
            failed: try reader.int(F.failed.rawValue, range: count) ?? 0
        )
    }
}
