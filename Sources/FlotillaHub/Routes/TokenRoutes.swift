import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Hummingbird

/// `/api/tokens`: list, create (an agent token is bound to one agent) and revoke tokens.
/// Scopes: admin, agent, viewer (reads the API), submitter (reads, submits, cancels, retries).
struct TokenRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("tokens") { _, _ in
            JSONResponse.make(["tokens": .array(hub.tokens.list().map(Self.json))])
        }
        group.post("tokens") { request, _ in try await createToken(request) }
        group.post("tokens/:id/revoke") { _, context in try await revoke(context.parameters.decoded("id")) }
        group.delete("tokens/:id") { _, context in try await revoke(context.parameters.decoded("id")) }
    }

    private func createToken(_ request: Request) async throws -> Response {
        let body = try await JSONResponse.body(of: request, limit: 64 * 1024)
        guard let object = body.objectValue else { throw FlotillaError(.invalidField, "The body must be an object like {\"name\":\"ci\",\"scope\":\"agent\"}.") }
        guard let name = object["name"]?.stringValue, !name.isEmpty else {
            throw FlotillaError(.missingField, "'name' (string) is required.", field: "name")
        }
        var scope = TokenRow.Scope.agent
        if let raw = object["scope"], !raw.isNull {
            guard let value = raw.stringValue.flatMap(TokenRow.Scope.init(rawValue:)) else {
                throw FlotillaError(.invalidField, "'scope' must be one of 'admin', 'agent', 'viewer', 'submitter'.", field: "scope")
            }
            scope = value
        }
        var role: String?
        if let raw = object["role"], !raw.isNull {
            guard let value = raw.stringValue, !value.isEmpty else { throw FlotillaError(.invalidField, "'role' must be a string.", field: "role") }
            role = value
        }
        var agentID: String?
        if let raw = object["agent_id"], !raw.isNull {
            guard let value = raw.stringValue, AgentRegistration.isValidID(value) else {
                throw FlotillaError(.invalidField, "'agent_id' must be an agent id: 1-128 characters from A-Z a-z 0-9 . _ - : /.", field: "agent_id")
            }
            agentID = value
        }
        if scope != .agent, role != nil || agentID != nil {
            throw FlotillaError(.invalidField, "'role' and 'agent_id' restrict agent tokens; a '\(scope.rawValue)' token cannot carry them.", field: role != nil ? "role" : "agent_id")
        }
        // An agent token speaks for one agent: bound to `agent_id`, else to the agent its name
        // names, so no agent token can register as (and take over) another agent.
        if scope == .agent, agentID == nil {
            guard AgentRegistration.isValidID(name) else {
                throw FlotillaError(.missingField, "An agent token is bound to one agent: give 'agent_id' (its name '\(name)' is not an agent id: 1-128 characters from A-Z a-z 0-9 . _ - : /).", field: "agent_id")
            }
            agentID = name
        }
        let (token, row) = try await hub.tokens.create(name: name, scope: scope, role: role, agentID: agentID)
        guard case .object(var out) = Self.json(row) else { return JSONResponse.make(.null) }
        out["token"] = .string(token)
        // What an MQTT agent pins to check the hub's signatures (docs/mqtt.md).
        out["hub_key"] = .string(try HubSigningKey.publicKeyText(dataDirectory: hub.configuration.dataDirectory))
        return JSONResponse.make(.object(out), status: .created)
    }

    private func revoke(_ id: String) async throws -> Response {
        guard try await hub.tokens.revoke(id: id) else {
            throw FlotillaError(.notFound, "No token has id '\(id)'.", field: "id")
        }
        return JSONResponse.make(["id": .string(id), "revoked": true])
    }

    static func json(_ row: TokenRow) -> JSONValue {
        [
            "id": .string(row.id),
            "name": .string(row.name),
            "scope": .string(row.scope.rawValue),
            "role": row.role.map { .string($0) } ?? .null,
            "agent_id": row.agentID.map { .string($0) } ?? .null,
            "created_at": .string(Timestamp.iso8601(row.createdAt)),
            "revoked_at": row.revokedAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
        ]
    }
}
