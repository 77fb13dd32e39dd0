/// What `GET /api/stats` answers: tasks per state, queue depth per lane, agents per state,
/// completion rate and latency, the last event's number. Taken from the scheduler by
/// ``init(scheduler:now:)``; written by ``json``, read by ``init(json:)``.
public struct HubStats: Sendable, Hashable {
    public enum Field: String, CaseIterable, Sendable {
        case agents
        case byState = "by_state"
        case commitsPending = "commits_pending"
        case completedPerSecond = "completed_per_second"
        case events
        case lastHour = "last_hour"
        case lastSeq = "last_seq"
        case lanes
        case latencySeconds = "latency_seconds"
        case queued, tasks, total
    }

    /// One lane's depth: tasks ready for the same roles, priority and capabilities.
    public struct Lane: Sendable, Hashable {
        public enum Field: String, CaseIterable, Sendable {
            case capabilities, depth, priority, role, roles
            case oldestQueuedAt = "oldest_queued_at"
            case oldestWaitSeconds = "oldest_wait_seconds"
        }

        public var role: String
        public var roles: [String]
        public var priority: Priority
        public var capabilities: [String]
        public var depth: Int
        /// When its oldest task was queued (seconds since 1970), and how long it has waited.
        public var oldestQueuedAt: Double?
        public var oldestWaitSeconds: Double?
    }

    /// Time from submission to success, in seconds, over recent completions.
    public struct Latency: Sendable, Hashable {
        public enum Field: String, CaseIterable, Sendable {
            case p50, p90, p99
        }

        public var p50: Double
        public var p90: Double
        public var p99: Double
    }

    public var tasksByState: [TaskState: Int]
    /// Tasks waiting in lanes.
    public var queued: Int
    public var lanes: [Lane]
    public var agentsByState: [AgentState: Int]
    public var agentsTotal: Int
    public var completedPerSecond: Double
    /// Nil until a task has completed.
    public var latency: Latency?
    public var lastSeq: Int64
    /// Changes awaiting commit (each agent connection's share is bounded: see the hub's limits).
    public var commitsPending: Int = 0
    /// Attempts that ended succeeded, failed or dead in the last hour (counted since the hub started).
    public var lastHour = OutcomeWindow.Counts()
}

// The initialisers stand in an extension so that Swift writes the memberwise one: the values
// are made only here (from the scheduler, or read from JSON).
extension HubStats {
    /// The scheduler's figures at `now`; lanes by role, then priority (highest first).
    public init(scheduler: inout Scheduler, now: Double, commitsPending: Int = 0) {
        var byState: [TaskState: Int] = [:]
        for state in TaskState.allCases { byState[state] = scheduler.counts[state] }
        let oldest = scheduler.lanes.oldestQueuedAt
        let lanes = scheduler.lanes.depths.sorted { ($0.key.role, $0.key.priority.rank) < ($1.key.role, $1.key.priority.rank) }.map { lane, depth in
            let queuedAt = oldest[lane]
            return Lane(
                role: lane.role, roles: lane.roles, priority: lane.priority, capabilities: lane.capabilities, depth: depth,
                oldestQueuedAt: queuedAt, oldestWaitSeconds: queuedAt.map { max(0, now - $0) }
            )
        }
        var agents: [AgentState: Int] = [:]
        for state in AgentState.allCases { agents[state] = 0 }
        for slot in scheduler.agents.values { agents[slot.state, default: 0] += 1 }
        self.init(
            tasksByState: byState, queued: scheduler.lanes.count, lanes: lanes, agentsByState: agents, agentsTotal: scheduler.agents.count,
            completedPerSecond: scheduler.completionRate(now: now),
            latency: scheduler.stats.percentiles().map { Latency(p50: $0.p50, p90: $0.p90, p99: $0.p99) },
            lastSeq: scheduler.lastSeq,
            commitsPending: commitsPending,
            lastHour: scheduler.outcomes.lastHour(now: now)
        )
    }

    public var json: JSONValue {
        typealias F = Field
        typealias L = Lane.Field
        func counts<State: RawRepresentable<String>>(_ counts: [State: Int]) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, .int(Int64($0.value))) }))
        }
        let lanes: [JSONValue] = lanes.map { lane in
            [
                L.role.rawValue: .string(lane.role),
                L.roles.rawValue: .array(lane.roles.map { .string($0) }),
                L.priority.rawValue: .string(lane.priority.rawValue),
                L.capabilities.rawValue: .array(lane.capabilities.map { .string($0) }),
                L.depth.rawValue: .int(Int64(lane.depth)),
                L.oldestQueuedAt.rawValue: lane.oldestQueuedAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
                L.oldestWaitSeconds.rawValue: lane.oldestWaitSeconds.map { .double($0) } ?? .null,
            ]
        }
        let latency: JSONValue = self.latency.map {
            [Latency.Field.p50.rawValue: .double($0.p50), Latency.Field.p90.rawValue: .double($0.p90), Latency.Field.p99.rawValue: .double($0.p99)]
        } ?? .null
        return [
            F.tasks.rawValue: [
                F.byState.rawValue: counts(tasksByState), F.queued.rawValue: .int(Int64(queued)),
                F.lastHour.rawValue: ["succeeded": .int(Int64(lastHour.succeeded)), "failed": .int(Int64(lastHour.failed)), "dead": .int(Int64(lastHour.dead))],
            ],
            F.lanes.rawValue: .array(lanes),
            F.agents.rawValue: [F.byState.rawValue: counts(agentsByState), F.total.rawValue: .int(Int64(agentsTotal))],
            F.completedPerSecond.rawValue: .double(completedPerSecond),
            F.latencySeconds.rawValue: latency,
            F.events.rawValue: [F.lastSeq.rawValue: .int(lastSeq)],
            F.commitsPending.rawValue: .int(Int64(commitsPending)),
        ]
    }

    public init(json: JSONValue) throws(FlotillaError) {
        typealias F = Field
        let tasks = json[F.tasks.rawValue]
        let agents = json[F.agents.rawValue]
        func counts<State: RawRepresentable<String>>(_ value: JSONValue?) -> [State: Int] {
            var out: [State: Int] = [:]
            for (name, count) in value?.objectValue ?? [:] {
                // A state a newer hub counts and this reader does not know is left out.
                if let state = State(rawValue: name) { out[state] = Int(count.intValue ?? 0) }
            }
            return out
        }
        var lanes: [Lane] = []
        for lane in json[F.lanes.rawValue]?.arrayValue ?? [] {
            let reader = FieldReader(object: lane.objectValue ?? [:], prefix: "lanes.")
            let raw = try reader.requiredString(Lane.Field.priority.rawValue)
            guard let priority = Priority(rawValue: raw) else {
                throw FlotillaError(.invalidField, "Unknown priority '\(raw)'.", field: "lanes." + Lane.Field.priority.rawValue)
            }
            lanes.append(Lane(
                role: try reader.requiredString(Lane.Field.role.rawValue),
                roles: try reader.strings(Lane.Field.roles.rawValue) ?? [],
                priority: priority,
                capabilities: try reader.strings(Lane.Field.capabilities.rawValue) ?? [],
                depth: try reader.int(Lane.Field.depth.rawValue, range: 0...Int.max) ?? 0,
                oldestQueuedAt: try reader.timestamp(Lane.Field.oldestQueuedAt.rawValue),
                oldestWaitSeconds: try reader.double(Lane.Field.oldestWaitSeconds.rawValue)
            ))
        }
        var latency: Latency?
        if let value = json[F.latencySeconds.rawValue], !value.isNull {
            let reader = FieldReader(object: value.objectValue ?? [:], prefix: F.latencySeconds.rawValue + ".")
            latency = Latency(
                p50: try reader.double(Latency.Field.p50.rawValue) ?? 0,
                p90: try reader.double(Latency.Field.p90.rawValue) ?? 0,
                p99: try reader.double(Latency.Field.p99.rawValue) ?? 0
            )
        }
        self.init(
            tasksByState: counts(tasks?[F.byState.rawValue]),
            queued: Int(tasks?[F.queued.rawValue]?.intValue ?? 0),
            lanes: lanes,
            agentsByState: counts(agents?[F.byState.rawValue]),
            agentsTotal: Int(agents?[F.total.rawValue]?.intValue ?? 0),
            completedPerSecond: json[F.completedPerSecond.rawValue]?.doubleValue ?? 0,
            latency: latency,
            lastSeq: json[F.events.rawValue]?[F.lastSeq.rawValue]?.intValue ?? 0,
            commitsPending: Int(json[F.commitsPending.rawValue]?.intValue ?? 0),
            lastHour: OutcomeWindow.Counts(
                succeeded: Int(tasks?[F.lastHour.rawValue]?["succeeded"]?.intValue ?? 0),
                failed: Int(tasks?[F.lastHour.rawValue]?["failed"]?.intValue ?? 0),
                dead: Int(tasks?[F.lastHour.rawValue]?["dead"]?.intValue ?? 0)
            )
        )
    }
}
