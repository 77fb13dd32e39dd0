import ArgumentParser
import FlotillaClient
import FlotillaCore

/// A command that asks the hub one thing and prints the answer: as it came with --json, else
/// for a person. One request either way, so both outputs show the same state of the hub.
protocol HubAnswerCommand: AsyncParsableCommand {
    var client: ClientOptions { get }
    /// The hub's answer, as JSON.
    func ask(_ hub: HubClient) async throws -> JSONValue
    /// Prints the answer for a person (read by its typed model).
    func show(_ answer: JSONValue) throws
}

extension HubAnswerCommand {
    func run() async throws {
        try await client.call { hub in
            let answer = try await ask(hub)
            if client.json { Console.print(answer.jsonString) } else { try show(answer) }
        }
    }
}
