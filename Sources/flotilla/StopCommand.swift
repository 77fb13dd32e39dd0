import ArgumentParser
import FlotillaTmux

/// Stops one agent or the whole fleet: Ctrl-C, then SIGTERM, then SIGKILL.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop one agent, or the whole fleet (Ctrl-C, SIGTERM, then SIGKILL).")

    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent to stop (default: the whole fleet).")
    var name: String?

    @Option(help: "Seconds between SIGTERM and SIGKILL.")
    var grace: Double = 3

    func run() async throws {
        let fleet = try self.fleet.load()
        let killed = try await FleetOptions.run { try await fleet.stop(name, grace: .milliseconds(Int64(grace * 1000))) }
        if !killed.isEmpty { Console.print("killed with SIGKILL: \(killed.map(String.init).joined(separator: " "))") }
        Console.print(name.map { "stopped \($0)" } ?? "stopped fleet '\(fleet.file.session)'")
    }
}
