/// What a client submits: the task as the user describes it. Validated by
/// ``TaskSpec/init(json:index:)``; stored unchanged inside the ``TaskRecord``.
public struct TaskSpec: Sendable, Hashable {
    /// A client-chosen id (optional): lets one batch name its own dependencies.
    public var id: String?
    public var type: String
    /// The role that must run it; derived from ``type`` via ``RoleTable`` when absent.
    public var role: String
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

    public static let defaultMaxAttempts = 3

    public init(
        id: String? = nil,
        type: String,
        role: String? = nil,
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
        metadata: JSONValue? = nil
    ) {
        self.id = id
        self.type = type
        self.role = role ?? RoleTable.role(forType: type)
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
    }

    /// The spec as JSON, in the same field names the API accepts.
    public var json: JSONValue { .object(members(reserving: 0)) }

    /// The members of ``json``, in a dictionary with room for `extra` more (a task's state,
    /// an assignment's attempt) so adding them does not regrow and rehash it.
    public func members(reserving extra: Int) -> [String: JSONValue] {
        var out = [String: JSONValue](minimumCapacity: 17 + extra)
        out["type"] = .string(type)
        out["role"] = .string(role)
        out["capabilities"] = .array(capabilities.map { .string($0) })
        out["priority"] = .string(priority.rawValue)
        out["payload"] = payload
        out["verify"] = .array(verify.map { .string($0) })
        out["depends_on"] = .array(dependsOn.map { .string($0) })
        out["max_attempts"] = .int(Int64(maxAttempts))
        if let prompt { out["prompt"] = .string(prompt) }
        if let context { out["context"] = context }
        if let successCriteria { out["success_criteria"] = successCriteria }
        if let timeoutSeconds { out["timeout_seconds"] = .int(Int64(timeoutSeconds)) }
        if let idempotencyKey { out["idempotency_key"] = .string(idempotencyKey) }
        if let repo { out["repo"] = .string(repo) }
        if let complexity { out["complexity"] = .string(complexity.rawValue) }
        if let budget { out["budget"] = budget }
        if let metadata { out["metadata"] = metadata }
        return out
    }
}
