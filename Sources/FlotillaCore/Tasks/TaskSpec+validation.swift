extension TaskSpec {
    /// Field names the API accepts; anything else is refused so typos never pass silently.
    public static let knownFields: Set<String> = Set(Field.allCases.map(\.rawValue))

    /// What to do with a member that is not a ``Field``.
    public enum UnknownFields: Sendable {
        /// Refuse it (a submission: a typo never passes silently).
        case refuse
        /// Skip it (reading what the hub wrote: a task record's own members, or a newer hub's).
        case ignore
    }

    /// The longest TTL: a week, like the longest timeout.
    public static let ttlRange = 1...604_800

    public static let maxAttemptsLimit = 100
    public static let maxDependencies = 1000
    /// Roles a task may list: each is checked against an agent's roles when lanes are compared.
    public static let maxRoles = 16

    /// Validates a submitted JSON object into a spec.
    ///
    /// - Parameter index: the position in a batch, used to name the field (`tasks[3].priority`).
    /// - Parameter unknownFields: whether members outside ``Field`` are refused or skipped.
    public init(json: JSONValue, index: Int? = nil, unknownFields: UnknownFields = .refuse) throws(FlotillaError) {
        guard case .object(let object) = json else {
            throw FlotillaError(.invalidField, "A task must be a JSON object, got \(json.typeName).", field: index.map { "tasks[\($0)]" })
        }
        typealias F = Field
        let reader = FieldReader(object: object, batchIndex: index)
        // Built only for an error: a batch of thousands would otherwise format it for each task.
        var prefix: String { reader.prefix }
        if unknownFields == .refuse, object.keys.contains(where: { !Self.knownFields.contains($0) }),
           let unknown = object.keys.sorted().first(where: { !Self.knownFields.contains($0) }) {
            throw FlotillaError(.unknownField, "Unknown field '\(unknown)'. Known fields: \(Self.knownFields.sorted().joined(separator: ", ")).", field: prefix + unknown)
        }
        let type = try reader.requiredString(F.type.rawValue)
        try reader.checkName(type, field: F.type.rawValue, maxLength: 128)
        let role = try reader.string(F.role.rawValue)
        if let role { try reader.checkName(role, field: F.role.rawValue, maxLength: 64) }
        let roles = try reader.strings(F.roles.rawValue)
        for name in roles ?? [] { try reader.checkName(name, field: F.roles.rawValue, maxLength: 64) }
        if let roles, roles.count > Self.maxRoles {
            throw FlotillaError(.invalidField, "At most \(Self.maxRoles) roles per task.", field: prefix + F.roles.rawValue)
        }
        if let role, let roles, !roles.isEmpty, !roles.contains(role) {
            throw FlotillaError(.invalidField, "'role' \(role) is not among 'roles' (\(roles.joined(separator: ", "))): give one, or a set holding the role.", field: prefix + F.roles.rawValue)
        }
        let capabilities = try reader.strings(F.capabilities.rawValue) ?? []
        for capability in capabilities { try reader.checkName(capability, field: F.capabilities.rawValue, maxLength: 64) }
        var priority = Priority.normal
        if let raw = try reader.string(F.priority.rawValue) {
            guard let value = Priority(rawValue: raw) else {
                throw FlotillaError(.invalidField, "Unknown priority '\(raw)': use critical, high, normal or low.", field: prefix + F.priority.rawValue)
            }
            priority = value
        }
        var complexity: Complexity?
        if let raw = try reader.string(F.complexity.rawValue) {
            guard let value = Complexity(rawValue: raw) else {
                throw FlotillaError(.invalidField, "Unknown complexity '\(raw)': use trivial, standard or complex.", field: prefix + F.complexity.rawValue)
            }
            complexity = value
        }
        let id = try reader.string(F.id.rawValue)
        if let id { try TaskID.check(id, field: prefix + F.id.rawValue) }
        let payload = object[F.payload.rawValue] ?? .object([:])
        let dependsOn = try reader.strings(F.dependsOn.rawValue) ?? []
        guard dependsOn.count <= Self.maxDependencies else {
            throw FlotillaError(.invalidField, "At most \(Self.maxDependencies) dependencies per task.", field: prefix + F.dependsOn.rawValue)
        }
        var timeout = try reader.int(F.timeoutSeconds.rawValue, range: 1...604_800)
        if timeout == nil { timeout = try reader.int(F.timeout.rawValue, range: 1...604_800) }
        let maxAttempts = try reader.int(F.maxAttempts.rawValue, range: 1...Self.maxAttemptsLimit) ?? Self.defaultMaxAttempts
        let key = try reader.string(F.idempotencyKey.rawValue)
        if let key, key.isEmpty || key.utf8.count > 256 {
            throw FlotillaError(.invalidField, "idempotency_key must be 1 to 256 bytes.", field: prefix + F.idempotencyKey.rawValue)
        }
        let submitter = try reader.string(F.submitter.rawValue)
        if let submitter { try reader.checkName(submitter, field: F.submitter.rawValue, maxLength: 128) }
        let repo = try reader.string(F.repo.rawValue)
        if let repo, repo.isEmpty || repo.hasPrefix("-") || repo.contains(where: \.isNewline) {
            // A repo is handed to `git clone`: one starting with '-' would be read as an option.
            throw FlotillaError(.invalidField, "'repo' must be a path or a git URL, not empty, not starting with '-' and on one line.", field: prefix + F.repo.rawValue)
        }
        self.init(
            id: id,
            type: type,
            role: role,
            roles: roles,
            capabilities: Array(Set(capabilities)),
            priority: priority,
            payload: payload,
            prompt: try reader.string(F.prompt.rawValue),
            context: reader.value(F.context.rawValue),
            successCriteria: reader.value(F.successCriteria.rawValue),
            verify: try reader.strings(F.verify.rawValue) ?? [],
            dependsOn: Array(dependsOn.uniquedPreservingOrder()),
            timeoutSeconds: timeout,
            maxAttempts: maxAttempts,
            idempotencyKey: key,
            repo: repo,
            complexity: complexity,
            budget: try Self.checkedBudget(reader.value(F.budget.rawValue)),
            metadata: try reader.object(F.metadata.rawValue),
            ttlSeconds: try reader.int(F.ttlSeconds.rawValue, range: Self.ttlRange),
            submitter: submitter
        )
    }
}

/// Reads typed fields out of a JSON object, naming the field in every error.
struct FieldReader {
    let object: [String: JSONValue]
    private let batchIndex: Int?
    private let fixedPrefix: String

    init(object: [String: JSONValue], prefix: String) {
        self.object = object
        self.batchIndex = nil
        self.fixedPrefix = prefix
    }

    /// A reader for one task of a batch: its errors name fields as `tasks[3].priority`.
    init(object: [String: JSONValue], batchIndex: Int?) {
        self.object = object
        self.batchIndex = batchIndex
        self.fixedPrefix = ""
    }

    /// Put before field names in errors.
    var prefix: String { batchIndex.map { "tasks[\($0)]." } ?? fixedPrefix }

    func requiredString(_ name: String) throws(FlotillaError) -> String {
        guard let value = object[name], !value.isNull else {
            throw FlotillaError(.missingField, "'\(name)' is required.", field: prefix + name)
        }
        guard let string = value.stringValue else {
            throw wrongType(name, expected: "a string", got: value)
        }
        return string
    }

    /// A required string naming one case of `Value` (a state, a source, a reason); any other is
    /// refused as `Unknown <what> '<raw>'.`
    func requiredCase<Value: RawRepresentable<String>>(_ name: String, _ what: String) throws(FlotillaError) -> Value {
        let raw = try requiredString(name)
        guard let value = Value(rawValue: raw) else {
            throw FlotillaError(.invalidField, "Unknown \(what) '\(raw)'.", field: prefix + name)
        }
        return value
    }

    func string(_ name: String) throws(FlotillaError) -> String? {
        guard let value = object[name], !value.isNull else { return nil }
        guard let string = value.stringValue else { throw wrongType(name, expected: "a string", got: value) }
        return string
    }

    func strings(_ name: String) throws(FlotillaError) -> [String]? {
        guard let value = object[name], !value.isNull else { return nil }
        if let single = value.stringValue { return [single] }
        guard let array = value.arrayValue else { throw wrongType(name, expected: "an array of strings", got: value) }
        var out: [String] = []
        out.reserveCapacity(array.count)
        for element in array {
            guard let string = element.stringValue else {
                throw wrongType(name, expected: "an array of strings", got: element)
            }
            out.append(string)
        }
        return out
    }

    func int(_ name: String, range: ClosedRange<Int>) throws(FlotillaError) -> Int? {
        guard let value = object[name], !value.isNull else { return nil }
        guard let number = value.intValue else { throw wrongType(name, expected: "an integer", got: value) }
        guard range.contains(Int(number)) else {
            throw FlotillaError(.invalidField, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(number).", field: prefix + name)
        }
        return Int(number)
    }

    func object(_ name: String) throws(FlotillaError) -> JSONValue? {
        guard let value = object[name], !value.isNull else { return nil }
        guard value.objectValue != nil else { throw wrongType(name, expected: "an object", got: value) }
        return value
    }

    func checkName(_ value: String, field: String, maxLength: Int) throws(FlotillaError) {
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x3A || byte == 0x2F
        }
        guard !value.isEmpty, value.utf8.count <= maxLength, allowed else {
            throw FlotillaError(.invalidField, "'\(field)' must be 1 to \(maxLength) characters of letters, digits and . _ - : /, got '\(value.prefix(80))'.", field: prefix + field)
        }
    }

    private func wrongType(_ name: String, expected: String, got: JSONValue) -> FlotillaError {
        FlotillaError(.invalidField, "'\(name)' must be \(expected), got \(got.typeName).", field: prefix + name)
    }
}

extension Sequence where Element: Hashable {
    func uniquedPreservingOrder() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
