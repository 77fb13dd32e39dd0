import ArgumentParser
import FlotillaTmux

/// Lists the fleet's agents: pane, pid, state, task, uptime.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List the fleet's agents: pane, pid, state, task, uptime.")

    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let fleet = try self.fleet.load()
        let rows = try await FleetOptions.run { try await fleet.status() }
        Console.table(["AGENT", "PANE", "PID", "STATE", "TASK", "UPTIME", "RESTARTS"], rows.map { row in
            [row.name, row.pane, row.pid.map(String.init) ?? "-", row.state, row.task, row.uptimeSeconds.map(Self.duration) ?? "-", "\(row.restarts)"]
        })
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds % 3600 / 60)m"
    }
}
