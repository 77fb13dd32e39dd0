import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Shows one agent.
struct AgentsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one agent."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "Agent id.")
    var id: String

    func run() async throws {
        let agent = try await client.call { try await $0.agent(id.pathSegment) }
        if client.json {
            Console.print(agent.jsonString)
        } else {
            Console.details(agent, first: ["id", "state", "roles", "capabilities", "executor", "held"])
        }
    }
}
