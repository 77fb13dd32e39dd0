import ArgumentParser
import FlotillaTmux

/// Replaces one agent's process with a fresh one.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart one agent of the fleet.")

    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent to restart.")
    var name: String

    func run() async throws {
        let fleet = try self.fleet.load()
        if let warning = try await FleetOptions.run({ try await fleet.restart(name) }) { Console.printError("warning: \(warning)") }
        Console.print("restarted \(name)")
    }
}
