import ArgumentParser
import FlotillaTmux

/// The fleet file and one agent's name in it: what `start` and `restart` take, and how they
/// report (a warning on stderr, then what was done).
struct FleetAgentArguments: ParsableArguments {
    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent's name in the fleet file.")
    var name: String

    /// Loads the fleet, runs `action` on the agent and prints `done` with its name.
    func perform(_ done: String, _ action: (Fleet, String) async throws -> String?) async throws {
        let fleet = try self.fleet.load()
        if let warning = try await FleetOptions.run({ try await action(fleet, name) }) { Console.printError("warning: \(warning)") }
        Console.print("\(done) \(name)")
    }
}
