import ArgumentParser

/// Groups the commands that inspect the fleet of agents.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "List and show connected agents.",
        subcommands: [AgentsListCommand.self, AgentsShowCommand.self]
    )
}
