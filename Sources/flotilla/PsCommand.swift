import ArgumentParser
import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation

/// Lists the fleet's agents: pane, pid, state, task, uptime.
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List the fleet's agents: pane, pid, state, task, uptime.",
        discussion: """
            For agents registered with the hub at hub.url (`flotilla agent` panes), STATE is the \
            hub's (idle, assigned, working, draining, offline), TASK the task they hold with its \
            progress, SEEN when the hub last heard from them. For the others STATE is the live \
            screen state from that hub when it watches the fleet's panes (`flotilla up` starts \
            it so); otherwise each screen is read once, which cannot tell settled idle from a \
            pause, nor stuck. When the hub does not answer within 2 s, ps says so and shows the \
            screens.
            """
    )

    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let fleet = try self.fleet.load()
        var rows = try await FleetOptions.run { try await fleet.status() }
        let view = await HubView.fetch(fleet, token: TokenFile.admin(for: fleet))
        if let live = view.screenStates {
            for index in rows.indices where rows[index].alive {
                if let state = live[rows[index].name] {
                    rows[index].state = state
                    rows[index].source = "watch"
                }
            }
        }
        let now = Date().timeIntervalSince1970
        for index in rows.indices {
            if let agent = view.agents[rows[index].name] { rows[index].merge(hubAgent: agent, tasks: view.tasks, now: now) }
        }
        Console.table(["AGENT", "PANE", "PID", "STATE", "TASK", "UPTIME", "RESTARTS", "SEEN"], rows.map { row in
            [
                row.name, row.pane, row.pid.map(String.init) ?? "-", row.state, row.task, row.uptimeSeconds.map(Self.duration) ?? "-",
                "\(row.restarts)", row.lastSeenSeconds.map { Self.duration($0) + " ago" } ?? "-",
            ]
        })
        // Why an agent exited (and keeps being restarted): its status and last line of output.
        for row in rows where !row.alive || row.lastExit != nil {
            guard row.pane != "-" else { continue }
            let status = "exited with status \(row.lastExit.map(String.init) ?? "unknown")"
            let last = LogTail.last(1, of: fleet.logPath(row.name)).first.map { "; last output: \($0)" } ?? ""
            Console.print("\(row.name): \(status), restarted \(row.restarts) time\(row.restarts == 1 ? "" : "s")\(last)")
        }
        if let problem = view.problem {
            Console.print("(hub at \(fleet.file.hub.url) \(problem); states read once from each screen)")
        } else if view.screenStates == nil, rows.contains(where: { $0.alive && $0.source == "screen" }) {
            Console.print("(states of agents the hub does not know read once from each screen: no hub watching these panes answered at \(fleet.file.hub.url))")
        }
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds % 3600 / 60)m"
    }
}
