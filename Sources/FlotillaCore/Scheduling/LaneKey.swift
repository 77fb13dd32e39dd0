/// A ready lane: tasks that need the same role, priority and capabilities wait in one FIFO.
public struct LaneKey: Sendable, Hashable, CustomStringConvertible {
    public var role: String
    public var priority: Priority
    /// Sorted, so equal sets make equal keys.
    public var capabilities: [String]

    public init(role: String, priority: Priority, capabilities: [String] = []) {
        self.role = role
        self.priority = priority
        self.capabilities = capabilities.sorted()
    }

    public init(spec: TaskSpec) {
        self.init(role: spec.role, priority: spec.priority, capabilities: spec.capabilities)
    }

    /// Whether an agent with these roles and capabilities may take tasks from this lane.
    public func fits(roles: Set<String>, capabilities agentCapabilities: Set<String>) -> Bool {
        roles.contains(role) && capabilities.allSatisfy { agentCapabilities.contains($0) }
    }

    public var description: String {
        capabilities.isEmpty ? "\(role)/\(priority.rawValue)" : "\(role)/\(priority.rawValue)[\(capabilities.joined(separator: ","))]"
    }
}
