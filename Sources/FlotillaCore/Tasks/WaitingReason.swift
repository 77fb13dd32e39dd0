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
        /// Reserved for budgets (checked before dispatch once they exist); never given today.
        case budget
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

    public var json: JSONValue {
        var object = details
        object["reason"] = .string(kind.rawValue)
        object["message"] = .string(message)
        return .object(object)
    }
}
