import ArgumentParser
import FlotillaTmux
import Foundation

/// Options every fleet command shares: the fleet file and the tmux socket.
struct FleetOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .long], help: "The fleet file (default: env FLOTILLA_FILE, else flotilla.yaml).")
    var file: String?

    @Option(help: "The tmux socket name (default: the file's `socket`, else env FLOTILLA_TMUX_SOCKET, else flotilla).")
    var socket: String?

    @Option(help: ArgumentHelp("Trust this CA (PEM) for the fleet's https:// hub, instead of hub.ca_file / hub.tls_cert (default: env FLOTILLA_CA_FILE).", valueName: "pem"))
    var caFile: String?

    /// Loads the fleet, turning fleet errors into a message and exit code 1.
    func load() throws -> Fleet {
        try Self.load(file: file, socket: socket, caFile: caFile)
    }

    static func load(file: String?, socket: String?, caFile: String? = nil) throws -> Fleet {
        let path = file ?? ProcessInfo.processInfo.environment["FLOTILLA_FILE"] ?? "flotilla.yaml"
        do {
            var fleet = try Fleet(path: path, flotilla: Self.selfPath, socket: socket, caFile: caFile ?? Environment.value("FLOTILLA_CA_FILE"))
            fleet.issuer = HubTokenIssuer(fleet: fleet)
            return fleet
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

    @Option(help: "Seconds to wait for the hub `up` starts to answer before giving up.")
    var hubTimeout: Double = 30

    @Option(help: "Seconds to watch the agents after starting them, to report any that exit at once (0: do not wait).")
    var checkSeconds: Double = 2

    func validate() throws {
        guard hubTimeout > 0 else { throw ValidationError("--hub-timeout must be positive.") }
        guard checkSeconds >= 0 else { throw ValidationError("--check-seconds must not be negative.") }
    }

    func run() async throws {
        let fleet = try self.fleet.load()
        if supervise {
            Console.print("supervising fleet '\(fleet.file.session)' on socket '\(fleet.tmux.configuration.socketName)'")
            try await FleetOptions.run { try await fleet.supervise { Console.print($0) } }
            return
        }
        let report = try await FleetOptions.run { try await fleet.up(supervisor: !noSupervisor, hubTimeout: .milliseconds(Int64(hubTimeout * 1000))) }
        let count = report.panes.count
        if report.hubStarted { Console.print("started a hub at \(fleet.file.hub.url) (window '\(Fleet.hubWindow)', log \(fleet.hubLogPath))") }
        Console.print("started \(count) agent\(count == 1 ? "" : "s") in session '\(fleet.file.session)' (socket '\(fleet.tmux.configuration.socketName)')")
        for warning in report.warnings { Console.printError("warning: \(warning)") }
        if checkSeconds > 0 {
            let failures = try await FleetOptions.run { try await fleet.startFailures(within: .milliseconds(Int64(checkSeconds * 1000))) }
            for failure in failures {
                let status = failure.status.map { "exit status \($0)" } ?? "exit status unknown"
                let next = noSupervisor ? "no supervisor runs: `flotilla restart \(failure.name)` starts it again" : "the supervisor restarts it with backoff"
                var lines = ["warning: agent '\(failure.name)' exited at once (\(status)); \(next) (see `flotilla logs \(failure.name)`)"]
                lines += failure.lastLines.map { "  | \($0)" }
                Console.printError(lines.joined(separator: "\n"))
            }
        }
        Console.print("attach:  flotilla attach   (or: \(report.attachCommand))")
        Console.print("status:  flotilla ps       stop: flotilla stop")
    }
}
