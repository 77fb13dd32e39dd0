import ArgumentParser
import FlotillaTmux

/// Adopts a tmux session Flotilla did not start, so the hub watches its agent.
struct WatchSessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch-session",
        abstract: "Watch a tmux session Flotilla did not start: states, events, commands, kill.",
        discussion: """
            Marks the session's panes as agents (the session's name for a one-pane session, else \
            NAME-1 … NAME-N). A hub running with --watch-panes on the same tmux socket picks them \
            up within a second: /api/agents/NAME, its output, commands and events. Your own tmux \
            server is socket 'default': `flotilla watch-session my-task --socket default` with \
            `flotilla hub --watch-panes --tmux-socket default`. `flotilla hub --watch-session NAME` \
            does the same from the hub's side. --stop takes the session out of watching again.
            """
    )

    @Argument(help: "The tmux session.")
    var session: String

    @Option(help: "The tmux socket (-L) the session lives on (default: env FLOTILLA_TMUX_SOCKET, else flotilla; your own tmux is 'default').")
    var socket: String?

    @Option(help: "Screen rules to read it with: claude, codex, aider, gemini or shell.")
    var kind = "claude"

    @Flag(help: "Stop watching the session (its programs keep running).")
    var stop = false

    func validate() throws {
        guard FleetFile.kinds.contains(kind) else {
            throw ValidationError("--kind must be one of \(FleetFile.kinds.sorted().joined(separator: ", ")).")
        }
    }

    func run() async throws {
        let tmux = Tmux(configuration: TmuxConfiguration(socketName: socket ?? TmuxConfiguration.defaultSocketName))
        let socketName = tmux.configuration.socketName
        if stop {
            let names = try await FleetOptions.run { try await tmux.release(session: session) }
            return Console.print(names.isEmpty ? "session \(session) had no adopted agents" : "stopped watching \(names.joined(separator: ", "))")
        }
        let names = try await FleetOptions.run { try await tmux.adopt(session: session, kind: kind) }
        Console.print("watching session \(session) on tmux socket '\(socketName)' as \(names.joined(separator: ", ")) (\(kind) screen rules)")
        Console.print("a hub with `--watch-panes --tmux-socket \(socketName)` picks it up: GET /api/agents/\(names[0])")
    }
}
