import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Revokes a token so it is refused from then on.
struct TokenRevokeCommand: HubIDCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token by id."
    )

    @OptionGroup var target: IDArguments<TokenSubject>

    func ask(_ hub: HubClient, id: String) async throws -> JSONValue { try await hub.revokeToken(id) }

    func show(_ answer: JSONValue) throws { Console.print("revoked \(Console.cell(answer["id"]))") }
}
