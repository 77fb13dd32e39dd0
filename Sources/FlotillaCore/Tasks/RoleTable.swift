/// The task-type → roles table. A task that names a type and no role
/// may be taken by an agent serving any role listed for its type (the first one is the task's
/// `role`, shown and filtered on); unknown types go to `general`.
public enum RoleTable {
    public static let defaultRole = "general"

    /// Type → roles that may handle it, first one is the default route. `code.generate` also
    /// lists `development` (the README's example pairs them).
    public static let roles: [String: [String]] = [
        "code.review": ["review", "general"],
        "code.generate": ["general", "development"],
        "deployment.deploy": ["deployment"],
        "deployment.rollback": ["deployment"],
        "testing.run": ["testing"],
        "testing.coverage": ["testing"],
        "security.scan": ["security", "review"],
        "security.audit": ["security"],
        "monitoring.health": ["monitoring"],
        "monitoring.alerts": ["monitoring"],
        "documentation.generate": ["documentation", "general"],
        "database.migrate": ["database"],
        "database.backup": ["database"],
    ]

    public static func role(forType type: String) -> String {
        roles[type]?.first ?? defaultRole
    }

    /// Every role that may take a task of this type when it names no role itself.
    public static func roles(forType type: String) -> [String] {
        roles[type] ?? [defaultRole]
    }
}
