import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists tokens (never their secrets).
struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens (ids, names and scopes; never the secrets)."
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let tokens = try await client.call { try await $0.tokens() }
        if client.json {
            Console.print(JSONValue.object(["tokens": .array(tokens)]).jsonString)
            return
        }
        let rows = tokens.map { token in
            [
                Console.cell(token["id"]), Console.cell(token["name"]), Console.cell(token["scope"]),
                Console.cell(token["role"]), Console.cell(token["agent_id"]), Console.cell(token["created_at"]), Console.cell(token["revoked_at"]),
            ]
        }
        Console.table(["ID", "NAME", "SCOPE", "ROLE", "AGENT", "CREATED", "REVOKED"], rows)
    }
}
