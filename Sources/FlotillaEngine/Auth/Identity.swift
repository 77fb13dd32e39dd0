/// Who a request speaks for, from its bearer token.
public enum Identity: Sendable, Hashable {
    /// Full access.
    case admin(tokenID: String)
    /// May connect to `/ws`, register (with `role` only and as `agentID` only, when set) and
    /// report on its own attempts.
    case agent(tokenID: String, role: String?, agentID: String?)

    /// The id of the token behind the identity.
    public var tokenID: String {
        switch self {
        case .admin(let id), .agent(let id, _, _): id
        }
    }

    public var isAdmin: Bool {
        if case .admin = self { return true }
        return false
    }
}
