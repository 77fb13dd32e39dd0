/// What a client submits: the task as the user describes it. Validated by
/// ``TaskSpec/init(json:index:)``; stored unchanged inside the ``TaskRecord``.
public struct TaskSpec: Sendable, Hashable {
    /// A client-chosen id (optional): lets one batch name its own dependencies.
    public var id: String?
    public var type: String
    /// The task's role (shown, filtered on): the one given, else the first of ``roles``.
    public var role: String
    /// Roles any of which may take it: exactly ``role`` when one was given, else the set given as
    /// `roles`, else the set ``RoleTable`` lists for ``type``. First is ``role``.
    public var roles: [String]
    /// Capabilities the agent must all have.
    public var capabilities: [String]
    public var priority: Priority
    public var payload: JSONValue
    public var prompt: String?
    public var context: JSONValue?
    public var successCriteria: JSONValue?
    /// Commands that must pass for the work to count (the agent runs them).
    public var verify: [String]
    public var dependsOn: [String]
    public var timeoutSeconds: Int?
    public var maxAttempts: Int
    public var idempotencyKey: String?
    public var repo: String?
    public var complexity: Complexity?
    public var budget: JSONValue?
    public var metadata: JSONValue?
    /// Seconds after submission within which an agent must take the task, else it ends
    /// `expired` (the envelope's `metadata.ttl`).
    public var ttlSeconds: Int?
    /// Who submitted it, as the submitter names itself (the envelope's `agent_id`).
    public var submitter: String?

    public static let defaultMaxAttempts = 3

    public init(
        id: String? = nil,
        type: String,
        role: String? = nil,
        roles: [String]? = nil,
        capabilities: [String] = [],
        priority: Priority = .normal,
        payload: JSONValue = .object([:]),
        prompt: String? = nil,
        context: JSONValue? = nil,
        successCriteria: JSONValue? = nil,
        verify: [String] = [],
        dependsOn: [String] = [],
        timeoutSeconds: Int? = nil,
        maxAttempts: Int = TaskSpec.defaultMaxAttempts,
        idempotencyKey: String? = nil,
        repo: String? = nil,
        complexity: Complexity? = nil,
        budget: JSONValue? = nil,
        metadata: JSONValue? = nil,
        ttlSeconds: Int? = nil,
        submitter: String? = nil
    ) {
        self.id = id
        self.type = type
        let set = roles.map { Array($0.uniquedPreservingOrder()) }.flatMap { $0.isEmpty ? nil : $0 }
        if let role {
            // An explicit role means exactly that role, unless a set holding it was given too.
            self.roles = set.map { [role] + $0.filter { $0 != role } } ?? [role]
        } else {
            self.roles = set ?? RoleTable.roles(forType: type)
        }
        self.role = role ?? self.roles[0]
        self.capabilities = capabilities.sorted()
        self.priority = priority
        self.payload = payload
        self.prompt = prompt
        self.context = context
        self.successCriteria = successCriteria
        self.verify = verify
        self.dependsOn = dependsOn
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
        self.repo = repo
        self.complexity = complexity
        self.budget = budget
        self.metadata = metadata
        self.ttlSeconds = ttlSeconds
        self.submitter = submitter
    }
}
