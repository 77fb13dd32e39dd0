/// A ready lane: tasks that need the same roles, priority and capabilities wait in one FIFO.
public struct LaneKey: Sendable, Hashable, CustomStringConvertible {
    /// The tasks' role (``TaskSpec/role``), for stats.
    public var role: String
    /// Roles any of which may take the lane's tasks (``TaskSpec/roles``), sorted.
    public var roles: [String]
    public var priority: Priority
    /// Sorted, so equal sets make equal keys.
    public var capabilities: [String]

    public init(role: String, roles: [String]? = nil, priority: Priority, capabilities: [String] = []) {
        self.role = role
        self.roles = (roles ?? [role]).sorted()
        self.priority = priority
        self.capabilities = capabilities.sorted()
    }

    public init(spec: TaskSpec) {
        self.init(role: spec.role, roles: spec.roles, priority: spec.priority, capabilities: spec.capabilities)
    }

    /// Whether an agent with these roles and capabilities may take tasks from this lane: it
    /// serves one of the lane's roles and has every capability the lane needs.
    public func fits(roles agentRoles: Set<String>, capabilities agentCapabilities: Set<String>) -> Bool {
        roles.contains(where: agentRoles.contains) && capabilities.allSatisfy { agentCapabilities.contains($0) }
    }

    public var description: String {
        let who = roles == [role] ? role : roles.joined(separator: "|")
        return capabilities.isEmpty ? "\(who)/\(priority.rawValue)" : "\(who)/\(priority.rawValue)[\(capabilities.joined(separator: ","))]"
    }
}
