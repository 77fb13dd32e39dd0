import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Revokes a token so it is refused from then on.
struct TokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token by id."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "Token id (see 'flotilla token list').")
    var id: String

    func run() async throws {
        let answer = try await client.call { try await $0.revokeToken(id.pathSegment) }
        if client.json {
            Console.print(answer.jsonString)
        } else {
            Console.print("revoked \(Console.cell(answer["id"]))")
        }
    }
}
