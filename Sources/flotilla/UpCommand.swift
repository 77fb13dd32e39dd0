import ArgumentParser
import FlotillaTmux
import Foundation

/// Options every fleet command shares: the fleet file and the tmux socket.
struct FleetOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .long], help: "The fleet file (default: env FLOTILLA_FILE, else flotilla.yaml).")
    var file: String?

    @Option(help: "The tmux socket name (default: the file's `socket`, else env FLOTILLA_TMUX_SOCKET, else flotilla).")
    var socket: String?

    /// Loads the fleet, turning fleet errors into a message and exit code 1.
    func load() throws -> Fleet {
        try Self.load(file: file, socket: socket)
    }

    static func load(file: String?, socket: String?) throws -> Fleet {
        let path = file ?? ProcessInfo.processInfo.environment["FLOTILLA_FILE"] ?? "flotilla.yaml"
        do {
            return try Fleet(path: path, flotilla: Self.selfPath, socket: socket)
        } catch {
            throw report(error)
        }
    }

    /// This binary's absolute path, so panes run the same flotilla.
    static var selfPath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func report(_ error: any Error) -> any Error {
        if error is ExitCode || error is CancellationError { return error }
        return Console.fail("error: \(error)")
    }

    /// Runs `body`, reporting fleet and tmux errors as a message and exit code 1.
    static func run<Value>(_ body: () async throws -> Value) async throws -> Value {
        do { return try await body() } catch { throw report(error) }
    }
}

/// Starts the fleet: the hub (if none answers), every agent in one tmux session as a tiled grid,
/// and a supervisor window that restarts crashed agents.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start the hub and every agent of flotilla.yaml in a tmux session (tiled grid).",
        discussion: "A supervisor window (`flotilla up --supervise`) restarts crashed agents with backoff."
    )

    @OptionGroup var fleet: FleetOptions

    @Flag(help: "Run only the supervisor loop for an already running fleet, in the foreground.")
    var supervise = false

    @Flag(help: "Do not start the supervisor window.")
    var noSupervisor = false

    func run() async throws {
        let fleet = try self.fleet.load()
        if supervise {
            Console.print("supervising fleet '\(fleet.file.session)' on socket '\(fleet.tmux.configuration.socketName)'")
            try await FleetOptions.run { try await fleet.supervise { Console.print($0) } }
            return
        }
        let report = try await FleetOptions.run { try await fleet.up(supervisor: !noSupervisor) }
        let count = report.panes.count
        Console.print("started \(count) agent\(count == 1 ? "" : "s") in session '\(fleet.file.session)' (socket '\(fleet.tmux.configuration.socketName)')")
        if report.hubStarted { Console.print("started a hub at \(fleet.file.hub.url) (window '\(Fleet.hubWindow)')") }
        Console.print("attach:  flotilla attach   (or: \(report.attachCommand))")
        Console.print("status:  flotilla ps       stop: flotilla stop")
    }
}
