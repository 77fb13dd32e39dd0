/// What the hub's own initiative is doing (event `autonomy.state_changed`, `GET /api/autonomy`).
public enum AutonomyState: String, Sendable, Hashable, CaseIterable {
    /// Goals are on their way (planning to review), or the task queue is busy: no new initiative.
    case executing
    /// Idle, and improving: scanning the registered repositories, or its proposals wait to start.
    case improving
    /// Idle with nothing to do: no scan due, nothing to start, or the day budget is spent.
    case resting
    /// Repairing the fleet: releasing offline agents' work, reporting or restarting stuck agents.
    case healing
}

/// One thing the initiative decided, and why (event `autonomy.decision`, `GET /api/autonomy`).
public struct AutonomyDecision: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A new finding became a goal (waiting for approval, or allowed as low-risk).
        case propose
        /// A finding seen before was not proposed again (rejected, proposed, or in its cooldown).
        case skip
        /// A proposal's approval was allowed: its goal may start.
        case approved
        /// A proposal was denied or its goal cancelled: its fingerprint is rejected for good.
        case rejected
        /// Nobody answered a proposal in time: its goal is cancelled, the finding waits out the cooldown.
        case expired
        /// An approved goal may start now (the queue is idle and the day budget has room).
        case start
        /// An approved goal may not start yet, with the reason.
        case hold
        /// A proposed goal ended (done or failed).
        case finished
        /// An offline agent's held attempts were released to the queue.
        case release
        /// A watched agent is stuck.
        case stuck
        /// A stuck agent was restarted.
        case restart
        /// A repository could not be scanned (the reason says why).
        case scanFailed = "scan_failed"
    }

    public var decision: Kind
    public var reason: String
    public var goalID: String?
    public var fingerprint: String?
    public var at: Double

    public init(_ decision: Kind, reason: String, goalID: String? = nil, fingerprint: String? = nil, at: Double) {
        self.decision = decision
        self.reason = reason
        self.goalID = goalID
        self.fingerprint = fingerprint
        self.at = at
    }

    /// `{decision, reason, goal_id?, fingerprint?}`: the event's data.
    public var eventData: [String: JSONValue] {
        var data: [String: JSONValue] = ["decision": .string(decision.rawValue), "reason": .string(reason)]
        if let goalID { data["goal_id"] = .string(goalID) }
        if let fingerprint { data["fingerprint"] = .string(fingerprint) }
        return data
    }

    /// The event's data with `at` (`GET /api/autonomy`'s `decisions`).
    public var json: JSONValue {
        var data = eventData
        data["at"] = .double(at)
        return .object(data)
    }

    public var event: WorkflowEvent { WorkflowEvent(.autonomyDecision, data: eventData) }

    /// `autonomy.state_changed` `{from, to}`.
    public static func stateEvent(from: AutonomyState?, to: AutonomyState) -> WorkflowEvent {
        WorkflowEvent(.autonomyStateChanged, data: ["from": from.map { .string($0.rawValue) } ?? .null, "to": .string(to.rawValue)])
    }
}
