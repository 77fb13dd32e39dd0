import ArgumentParser
import FlotillaTmux

/// Starts one agent of the running fleet again, e.g. after `flotilla stop NAME`.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a stopped agent of the running fleet again.")

    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent to start.")
    var name: String

    func run() async throws {
        let fleet = try self.fleet.load()
        if let warning = try await FleetOptions.run({ try await fleet.start(name) }) { Console.printError("warning: \(warning)") }
        Console.print("started \(name)")
    }
}
