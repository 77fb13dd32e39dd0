import ArgumentParser
import FlotillaTmux
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Attaches the terminal to the fleet's tmux session, optionally focused on one agent's pane.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attach", abstract: "Attach to the fleet's tmux session (focused on NAME's pane).")

    @OptionGroup var fleet: FleetOptions

    @Argument(help: "The agent to focus.")
    var name: String?

    func run() async throws {
        let fleet = try self.fleet.load()
        var target = "=\(fleet.file.session)"
        if let name {
            let pane = try await FleetOptions.run { try await fleet.pane(of: name) }
            _ = try? await fleet.tmux.run(["select-window", "-t", pane.id, ";", "select-pane", "-t", pane.id])
            target = pane.id
        }
        let arguments = ["tmux"] + fleet.tmux.configuration.globalArguments + ["attach-session", "-t", target]
        // tmux takes over the terminal: replace this process rather than run a child.
        var cArguments = arguments.map { strdup($0) } + [nil]
        execvp("tmux", &cArguments)
        throw Console.fail("error: cannot run tmux: \(String(cString: strerror(errno)))")
    }
}
