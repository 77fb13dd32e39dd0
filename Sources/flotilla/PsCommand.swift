import ArgumentParser
import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation

/// Lists the fleet's agents: pane, pid, state, task, uptime.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List the fleet's agents: pane, pid, state, task, uptime.",
        discussion: """
            STATE is the live state from the hub at hub.url when it watches the fleet's panes \
            (`flotilla up` starts it so); otherwise each screen is read once, which cannot tell \
            settled idle from a pause, nor stuck.
            """
    )

    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let fleet = try self.fleet.load()
        var rows = try await FleetOptions.run { try await fleet.status() }
        let live = await Self.liveStates(fleet)
        if let live {
            for index in rows.indices where rows[index].alive {
                if let state = live[rows[index].name] { rows[index].state = state }
            }
        }
        Console.table(["AGENT", "PANE", "PID", "STATE", "TASK", "UPTIME", "RESTARTS"], rows.map { row in
            [row.name, row.pane, row.pid.map(String.init) ?? "-", row.state, row.task, row.uptimeSeconds.map(Self.duration) ?? "-", "\(row.restarts)"]
        })
        // Why an agent exited (and keeps being restarted): its status and last line of output.
        for row in rows where !row.alive || row.lastExit != nil {
            guard row.pane != "-" else { continue }
            let status = "exited with status \(row.lastExit.map(String.init) ?? "unknown")"
            let last = LogTail.last(1, of: fleet.logPath(row.name)).first.map { "; last output: \($0)" } ?? ""
            Console.print("\(row.name): \(status), restarted \(row.restarts) time\(row.restarts == 1 ? "" : "s")\(last)")
        }
        if live == nil, rows.contains(where: \.alive) {
            Console.print("(states read once from each screen: no hub watching these panes answered at \(fleet.file.hub.url))")
        }
    }

    /// Agent name → live screen state, from the fleet's hub when it watches this fleet's socket.
    static func liveStates(_ fleet: Fleet) async -> [String: String]? {
        let client = HubClient(baseURL: fleet.file.hub.url, token: token(for: fleet))
        guard let answer = try? await client.send(.GET, "/api/watch", timeout: .seconds(2)).body,
              answer["enabled"] == true,
              answer["socket"]?.stringValue == fleet.tmux.configuration.socketName,
              let agents = answer["agents"]?.arrayValue
        else { return nil }
        var states: [String: String] = [:]
        for agent in agents {
            if let name = agent["agent"]?.stringValue, let state = agent["state"]?.stringValue { states[name] = state }
        }
        return states
    }

    /// `FLOTILLA_TOKEN`, else the admin token of the hub `flotilla up` starts (`hub.data_dir`, by
    /// default `.flotilla` beside the fleet file), else the one in the default data directory.
    static func token(for fleet: Fleet) -> String? {
        if let token = Environment.value("FLOTILLA_TOKEN") { return token }
        for directory in [fleet.file.hubDataDirectory ?? fleet.file.stateDirectory, HubConfiguration.defaultDataDirectory] {
            let path = HubConfiguration(dataDirectory: directory).adminTokenPath
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !token.isEmpty { return token }
            }
        }
        return nil
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds % 3600 / 60)m"
    }
}
