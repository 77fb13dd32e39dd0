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
        if client.json {
            Console.print(try await client.call { try await $0.agent(id.pathSegment) }.jsonString)
            return
        }
        let agent = try await client.call { try await $0.agentView(id: id.pathSegment) }
        typealias R = AgentRegistration.Field
        typealias S = AgentStatus.Field
        Console.details(agent.json, first: [R.id.rawValue, S.state.rawValue, R.roles.rawValue, R.capabilities.rawValue, R.executor.rawValue, S.held.rawValue])
    }
}
