/// The task-type → role table from the seeds (seeds/000). A task that names a type and no role
/// is routed to the first role listed for its type; unknown types go to `general`.
public enum RoleTable {
    public static let defaultRole = "general"

    /// Type → roles that may handle it, first one is the default route.
    public static let roles: [String: [String]] = [
        "code.review": ["review", "general"],
        "code.generate": ["general"],
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
}
