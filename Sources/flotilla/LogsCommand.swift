import ArgumentParser
import FlotillaTmux
import Foundation

/// Prints an agent's pane output (from `.flotilla/logs/NAME.log`), optionally following it.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print an agent's output; -f follows it.")

    // Not the shared FleetOptions: here -f means --follow, as in `tail -f`.
    @Option(name: .customLong("file"), help: "The fleet file (default: env FLOTILLA_FILE, else flotilla.yaml).")
    var file: String?

    @Option(help: "The tmux socket name.")
    var socket: String?

    @Argument(help: "The agent.")
    var name: String

    @Flag(name: [.customShort("f"), .long], help: "Keep printing new output.")
    var follow = false

    func run() async throws {
        let fleet = try FleetOptions.load(file: file, socket: socket)
        _ = try await FleetOptions.run { try fleet.agent(name) }
        let path = fleet.logPath(name)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Console.fail("error: no log for \(name) at \(path) (has the fleet run?)")
        }
        defer { try? handle.close() }
        Self.emit(handle.readDataToEndOfFile())
        while follow {
            try await Task.sleep(for: .milliseconds(250))
            Self.emit(handle.readDataToEndOfFile())
        }
    }

    /// Prints terminal output as plain text: escape sequences removed, redraws as new lines.
    static func emit(_ data: Data) {
        for line in LogTail.plainLines(data) { Console.print(line) }
    }
}
