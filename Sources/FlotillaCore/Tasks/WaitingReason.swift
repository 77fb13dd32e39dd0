/// Why a task that is not yet running waits: `tasks show` and `GET /api/tasks/{id}` list them
/// under `waiting`, so a person can see what would let it go.
public struct WaitingReason: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Blocked until these dependencies succeed.
        case dependencies
        /// A failed attempt's backoff; it is queued again at `until`.
        case backoff
        /// No connected agent serves one of its roles with all its capabilities.
        case noFittingAgent = "no_fitting_agent"
        /// Fitting agents are connected, but none has a free slot (or said `ready`).
        case agentsBusy = "agents_busy"
        /// The hub's or its role's day budget is spent, or would be by this task's expected cost
        /// (`budget`, `spent`, `limit`, `estimate`); it goes once the budget is raised or the day ends.
        case budget
        /// A held task of the same `repo` works on files this task declares (`tasks`: that
        /// task, `files`: the overlapping entries); it goes when that task's attempt ends.
        case files
    }

    public var kind: Kind
    /// The reason in words, for people.
    public var message: String
    /// Facts behind it: `tasks` (dependencies), `until` (backoff), `roles` and `capabilities`
    /// (agents), `agents` (fitting but busy).
    public var details: [String: JSONValue]

    public init(_ kind: Kind, _ message: String, details: [String: JSONValue] = [:]) {
        self.kind = kind
        self.message = message
        self.details = details
    }

    /// The members every reason has on the wire, beside its ``details``.
    public enum Field: String, CaseIterable, Sendable {
        case message, reason
    }

    public var json: JSONValue {
        var object = details
        object[Field.reason.rawValue] = .string(kind.rawValue)
        object[Field.message.rawValue] = .string(message)
        return .object(object)
    }

    /// Reads what ``json`` writes.
    public init(json: JSONValue) throws(FlotillaError) {
        var object = json.objectValue ?? [:]
        let reader = FieldReader(object: object, prefix: "waiting.")
        let kind: Kind = try reader.requiredCase(Field.reason.rawValue, "waiting reason")
        let message = try reader.requiredString(Field.message.rawValue)
        for field in Field.allCases { object[field.rawValue] = nil }
        self.init(kind, message, details: object)
    }
}
