public import FlotillaStore

/// Who a request speaks for, from its bearer token.
public enum Identity: Sendable, Hashable {
    /// Full access.
    case admin(tokenID: String)
    /// May connect to `/ws`, register (with `role` only and as `agentID` only, when set) and
    /// report on its own attempts.
    case agent(tokenID: String, role: String?, agentID: String?)
    /// Reads the API, changes nothing.
    case viewer(tokenID: String)
    /// Reads the API and submits, cancels and retries tasks.
    case submitter(tokenID: String)

    /// The id of the token behind the identity.
    public var tokenID: String {
        switch self {
        case .admin(let id), .agent(let id, _, _), .viewer(let id), .submitter(let id): id
        }
    }

    /// The scope of the token behind the identity.
    public var scope: TokenRow.Scope {
        switch self {
        case .admin: .admin
        case .agent: .agent
        case .viewer: .viewer
        case .submitter: .submitter
        }
    }
}
