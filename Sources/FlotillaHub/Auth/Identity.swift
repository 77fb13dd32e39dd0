/// Who a request speaks for, from its bearer token.
public enum Identity: Sendable, Hashable {
    /// Full access.
    case admin(tokenID: String)
    /// May connect to `/ws`, register (with `role` only and as `agentID` only, when set) and
    /// report on its own attempts.
    case agent(tokenID: String, role: String?, agentID: String?)

    public var isAdmin: Bool {
        if case .admin = self { return true }
        return false
    }
}
