import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists tokens (never their secrets).
struct TokenListCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens (ids, names and scopes; never the secrets)."
    )

    @OptionGroup var client: ClientOptions

    func ask(_ hub: HubClient) async throws -> JSONValue { .object(["tokens": .array(try await hub.tokens())]) }

    func show(_ answer: JSONValue) throws {
        let rows = (answer["tokens"]?.arrayValue ?? []).map { token in
            [
                Console.cell(token["id"]), Console.cell(token["name"]), Console.cell(token["scope"]),
                Console.cell(token["role"]), Console.cell(token["agent_id"]), Console.cell(token["created_at"]), Console.cell(token["revoked_at"]),
            ]
        }
        Console.table(["ID", "NAME", "SCOPE", "ROLE", "AGENT", "CREATED", "REVOKED"], rows)
    }
}
