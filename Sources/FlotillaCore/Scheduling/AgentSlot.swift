/// The scheduler's view of one agent: who it is, whether it is connected and taking work,
/// and which tasks it holds.
public struct AgentSlot: Sendable, Hashable {
    public var registration: AgentRegistration
    /// The live connection, nil while offline.
    public var connection: Int?
    /// The credential (token id) of the session that registered the agent: another credential
    /// cannot take a live agent over (``Scheduler/takeoverRefusal(of:connection:holder:)``).
    public var holder: String?
    /// The agent said `ready`.
    public var accepting: Bool = false
    public var draining: Bool = false
    /// Paused by a usage limit until then (it is draining meanwhile); cleared by `ready`.
    public var pausedUntil: Double?
    /// Tasks whose current attempt this agent holds.
    public var held: Set<String> = []
    /// Held tasks the agent has accepted (running).
    public var running: Set<String> = []
    public var connectedAt: Double
    public var lastSeen: Double
    /// Latest heartbeat body (uptime, rss, cpu, ...).
    public var heartbeat: JSONValue?
    public var completed: Int = 0
    public var failed: Int = 0
    /// The state last announced in an event.
    public var announced: AgentState

    public init(registration: AgentRegistration, connection: Int?, now: Double) {
        self.registration = registration
        self.connection = connection
        self.connectedAt = now
        self.lastSeen = now
        self.announced = connection == nil ? .offline : .idle
    }

    public var state: AgentState {
        if connection == nil { return .offline }
        if draining { return pausedUntil == nil ? .draining : .paused }
        if !running.isEmpty { return .working }
        if !held.isEmpty { return .assigned }
        return .idle
    }

    public var freeSlots: Int { max(0, registration.concurrency - held.count) }

    /// Connected, ready, not draining, with room for one more task.
    public var canTakeWork: Bool { connection != nil && accepting && !draining && freeSlots > 0 }

    public var record: AgentRecord {
        AgentRecord(registration: registration, state: state, connectedAt: connectedAt, lastSeen: lastSeen)
    }

    /// The agent as `/api/agents` shows it (``AgentStatus``).
    public var json: JSONValue { AgentStatus(self).json }
}
