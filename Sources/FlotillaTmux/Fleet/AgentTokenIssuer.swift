/// Issues the hub token a fleet's `flotilla agent` agent runs with: bound to the agent's name
/// (and its role, when it serves one), so an agent never needs the admin token.
///
/// The CLI implements it over the hub's `POST /api/tokens`; FlotillaTmux only writes what it
/// gets to the agent's token file.
public protocol AgentTokenIssuer: Sendable {
    /// A new token for agent `name`. `role` is the one role the token may register with (nil:
    /// any). The issuer may revoke the tokens it gave the agent before.
    func issue(agent name: String, role: String?) async throws -> String
}
