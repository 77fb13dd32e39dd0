import ArgumentParser

/// Replaces one agent's process with a fresh one.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart one agent of the fleet.")

    @OptionGroup var agent: FleetAgentArguments

    func run() async throws {
        try await agent.perform("restarted") { fleet, name in try await fleet.restart(name) }
    }
}
