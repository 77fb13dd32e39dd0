/// Which events go to which target: one entry of the configuration's `subscriptions`.
public struct NotificationSubscription: Sendable, Hashable {
    /// Names the subscription in dedupe keys and listings: `name` when the entry sets one, else
    /// `<target>#<index>`. Keep it stable: a renamed subscription notifies an event again.
    public var name: String
    public var target: String
    /// Event types, each one of ``notifiableKinds``.
    public var events: [String]
    public var filter: NotificationFilter

    public init(name: String, target: String, events: [String], filter: NotificationFilter = NotificationFilter()) {
        self.name = name
        self.target = target
        self.events = events
        self.filter = filter
    }

    /// The event types a person can be notified of (docs/notifications.md). `approval.requested`
    /// is recorded by the approvals engine; it is matched by its name.
    public static let notifiableKinds: [String] = [
        "approval.requested",
        EventKind.taskSucceeded.rawValue, EventKind.taskFailed.rawValue, EventKind.taskDead.rawValue,
        EventKind.agentStuck.rawValue, EventKind.agentError.rawValue, EventKind.agentOffline.rawValue,
        EventKind.budgetWarning.rawValue, EventKind.budgetExceeded.rawValue,
    ]

    /// Whether `event` (with what the hub knows about it) goes to this subscription.
    public func matches(_ event: EventRecord, facts: NotificationFacts) -> Bool {
        events.contains(event.type) && filter.matches(facts)
    }
}

/// Narrows a subscription. Each set member must match (and), each list any of its values (or).
/// A value ending in `*` matches by prefix (`testing.*`). An event that lacks the attribute a
/// filter asks for (a budget event has no type) does not match it.
public struct NotificationFilter: Sendable, Hashable {
    /// The task's type (task events, approvals and task budgets of a known task).
    public var types: [String] = []
    /// The task's role; for agent events one of the agent's roles; for a role budget its role.
    public var roles: [String] = []
    /// One of the task's `metadata.tags` (a string or a list of strings).
    public var tags: [String] = []
    /// The agent the event is about (or the task's agent).
    public var agents: [String] = []

    public init(types: [String] = [], roles: [String] = [], tags: [String] = [], agents: [String] = []) {
        self.types = types
        self.roles = roles
        self.tags = tags
        self.agents = agents
    }

    public var isEmpty: Bool { types.isEmpty && roles.isEmpty && tags.isEmpty && agents.isEmpty }

    /// Whether the filter needs the task's metadata (its tags), which task events do not carry:
    /// the hub then reads the task.
    public var needsTask: Bool { !tags.isEmpty }
    /// Whether the filter needs the agent's roles (agent events carry none).
    public var needsAgent: Bool { !roles.isEmpty }

    public func matches(_ facts: NotificationFacts) -> Bool {
        Self.any(types, in: facts.type.map { [$0] } ?? [])
            && Self.any(roles, in: facts.roles)
            && Self.any(tags, in: facts.tags)
            && Self.any(agents, in: facts.agentID.map { [$0] } ?? [])
    }

    /// True when `patterns` is empty, else when one of them matches one of `values`.
    static func any(_ patterns: [String], in values: [String]) -> Bool {
        guard !patterns.isEmpty else { return true }
        return patterns.contains { pattern in
            if pattern.hasSuffix("*") {
                let prefix = pattern.dropLast()
                return values.contains { $0.hasPrefix(prefix) }
            }
            return values.contains(pattern)
        }
    }
}

/// What a filter is matched against: read from the event, completed by the hub where the event
/// does not say (a task's tags, an agent's roles).
public struct NotificationFacts: Sendable, Hashable {
    public var type: String?
    public var roles: [String]
    public var tags: [String]
    public var agentID: String?

    public init(type: String? = nil, roles: [String] = [], tags: [String] = [], agentID: String? = nil) {
        self.type = type
        self.roles = roles
        self.tags = tags
        self.agentID = agentID
    }

    /// What the event itself says: a task event's `type` and `role`, an approval's `role` (and
    /// its task's type when the hub adds it), a role budget's role, the agent id.
    public init(event: EventRecord) {
        let data = event.data
        self.init(type: data["type"]?.stringValue, agentID: event.agentID ?? data["agent_id"]?.stringValue)
        if let role = data["role"]?.stringValue {
            roles = [role]
        } else if let budget = data["budget"]?.stringValue, budget.hasPrefix("role:") {
            roles = [String(budget.dropFirst(5))]
        }
    }

    /// A task's `metadata.tags`: a string or a list of strings.
    public static func tags(ofMetadata metadata: JSONValue?) -> [String] {
        guard let tags = metadata?["tags"] else { return [] }
        if let one = tags.stringValue { return [one] }
        return tags.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
