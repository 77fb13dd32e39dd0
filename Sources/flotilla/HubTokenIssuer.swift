import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation

/// Mints each fleet agent its own hub token (`POST /api/tokens`, scope agent, named
/// `fleet:NAME`, bound to the agent's name and role) with the admin token of the person running
/// `up`, `restart`, `start` or the supervisor, and revokes the agent's earlier `fleet:NAME`
/// tokens: the process that held them is gone or being replaced. The agent never sees the admin
/// token.
struct HubTokenIssuer: AgentTokenIssuer {
    let fleet: Fleet

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    func issue(agent name: String, role: String?) async throws -> String {
        // Read now, not when the fleet was loaded: the hub `up` starts writes it on first start.
        guard let admin = TokenFile.admin(for: fleet) else {
            throw Unavailable(description: "no admin token to mint it with (set FLOTILLA_TOKEN or hub.data_dir)")
        }
        let client = fleet.hubClient(token: admin)
        var body: [String: JSONValue] = ["name": .string("fleet:\(name)"), "scope": "agent", "agent_id": .string(name)]
        if let role { body["role"] = .string(role) }
        let token: String
        do {
            guard let minted = try await client.send(.POST, "/api/tokens", body: .object(body), timeout: .seconds(5)).body["token"]?.stringValue else {
                throw Unavailable(description: "the hub at \(fleet.file.hub.url) answered without a token")
            }
            token = minted
        } catch let failure as HubClient.Failure where failure.status == 403 {
            // FLOTILLA_TOKEN is itself an agent token: the person chose it for the fleet, so the
            // agent gets it (through its token file, like a minted one).
            guard let chosen = Environment.value("FLOTILLA_TOKEN") else { throw failure }
            return chosen
        } catch let error where HubTrust.tlsFailure(error) != nil {
            let trusted = fleet.file.hubCAFile.map { "the CA file \($0)" } ?? "the system's CA certificates"
            throw Unavailable(description: "TLS to the hub at \(fleet.file.hub.url) failed with \(trusted): \(HubTrust.tlsFailure(error)!); set hub.ca_file or --ca-file")
        }
        // Best effort: a token left unrevoked is bound to this agent's name only.
        let earlier = (try? await client.send(.GET, "/api/tokens", timeout: .seconds(5)).body["tokens"]?.arrayValue) ?? []
        for row in earlier where row["name"] == .string("fleet:\(name)") && row["revoked_at"] == .null {
            guard let id = row["id"]?.stringValue, id != Self.id(of: token) else { continue }
            _ = try? await client.send(.POST, "/api/tokens/\(id.pathSegment)/revoke", timeout: .seconds(5))
        }
        return token
    }

    /// The id part of `flt_<id>_<secret>`.
    static func id(of token: String) -> String? {
        guard token.hasPrefix("flt_") else { return nil }
        let body = token.dropFirst(4)
        return body.firstIndex(of: "_").map { String(body[..<$0]) }
    }
}
