import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Shows one agent.
struct AgentsShowCommand: HubIDCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one agent."
    )

    @OptionGroup var target: IDArguments<AgentSubject>

    func ask(_ hub: HubClient, id: String) async throws -> JSONValue { try await hub.agent(id) }

    func show(_ answer: JSONValue) throws {
        typealias R = AgentRegistration.Field
        typealias S = AgentStatus.Field
        Console.details(try AgentView(json: answer).json, first: [R.id.rawValue, S.state.rawValue, R.roles.rawValue, R.capabilities.rawValue, R.executor.rawValue, S.held.rawValue])
    }
}
