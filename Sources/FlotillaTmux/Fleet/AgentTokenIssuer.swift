/// Issues the hub token a fleet's `flotilla agent` agent runs with: bound to the agent's name
/// (and its role, when it serves one), so an agent never needs the admin token.
///
/// The CLI implements it over the hub's `POST /api/tokens`; FlotillaTmux only writes what it
/// gets to the agent's token file.
public protocol AgentTokenIssuer: Sendable {
    /// A new token for agent `name`. `role` is the one role the token may register with (nil:
    /// any); `previous` is the token the agent had, which the issuer may revoke.
    func issue(agent name: String, role: String?, previous: String?) async throws -> String
}
