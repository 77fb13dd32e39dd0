import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation
import Subprocess
import SystemPackage
import Testing

/// `flotilla ps` merges the hub's view into its table: a `flotilla agent` pane shows the hub's
/// agent state, the task it holds and when it was last heard from, not `initializing` read off
/// its screen; with the hub down ps says so in one line, without hanging.
@Suite struct PsHubViewTests {
    @Test func psShowsTheHubsStateTaskAndHeartbeatOfFlotillaAgentPanes() async throws {
        try await WatchHub.run(socket: nil) { hub in
            let url = "http://127.0.0.1:\(hub.port)"
            let agents = """
                  - {name: worker, command: '\(UpWatchTests.binary) agent --agent-id worker --hub \(url) --token \(hub.adminToken) --executor shell --workdir .'}
                """
            try await TestFleet.with(agents: agents, hub: "{url: '\(url)', start: false}") { fleet in
                let registered = try await UpWatchTests.eventually("worker registered and idle") {
                    try await hub.get("/api/agents/worker").json["state"] == "idle"
                }
                #expect(registered)
                let idle = try await Self.ps(fleet, token: hub.adminToken)
                let idleRow = Self.row("worker", in: idle.output)
                #expect(idle.status == 0, "\(idle.output)")
                #expect(idleRow.count >= 8 && idleRow[3] == "idle" && idleRow[4] == "-", "\(idle.output)")
                #expect(idleRow.last == "ago", "no heartbeat age: \(idle.output)")
                #expect(!idle.output.contains("initializing") && !idle.output.contains("read once"), "\(idle.output)")

                let task = try await hub.client.submit(["type": "shell.sleep", "role": "general", "payload": ["command": "sleep 30"]])
                let id = task["id"]?.stringValue ?? "?"
                let working = try await UpWatchTests.eventually("worker working") {
                    try await hub.get("/api/agents/worker").json["state"] == "working"
                }
                #expect(working)
                let busy = try await Self.ps(fleet, token: hub.adminToken)
                let busyRow = Self.row("worker", in: busy.output)
                #expect(busyRow.count >= 9 && busyRow[3] == "working" && busyRow[4] == id && busyRow[5] == "shell.sleep", "\(busy.output)")
                _ = try await hub.client.cancel(id)
            }
        }
    }

    /// A `flotilla agent` in a watched pane is one agent: `/api/agents/{id}` shows the hub's view
    /// with its screen beside it, `/api/agents` lists it once, and its session's name finds it.
    @Test func aRegisteredAgentInAWatchedPaneIsOneAgent() async throws {
        // The pane reads the hub's port and token from files written once the hub runs.
        let agents = """
              - {name: worker, command: '\(UpWatchTests.binary) agent --agent-id worker --hub http://127.0.0.1:$(cat hub.port) --token $(cat hub.token) --executor shell --workdir .'}
            """
        try await TestFleet.with(agents: agents, start: false) { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                try "\(hub.port)".write(toFile: fleet.directory + "/hub.port", atomically: true, encoding: .utf8)
                try hub.adminToken.write(toFile: fleet.directory + "/hub.token", atomically: true, encoding: .utf8)
                _ = try await fleet.fleet.up(supervisor: false)
                let merged = try await UpWatchTests.eventually("worker registered and its pane watched") {
                    let agent = try await hub.get("/api/agents/worker").json
                    return agent["state"] == "idle" && agent["screen"]?["pane"]?.stringValue?.hasPrefix("%") == true
                }
                #expect(merged)
                let agent = try await hub.get("/api/agents/worker").json
                #expect(agent["source"] == "hub" && agent["session"] == "fleet" && agent["executor"] == "shell", "\(agent)")
                let all = try await hub.get("/api/agents").json["agents"]?.arrayValue ?? []
                #expect(all.compactMap { $0["id"]?.stringValue } == ["worker"], "\(all)")
                let bySession = try await hub.get("/api/agents/fleet").json
                #expect(bySession["id"] == "worker" && bySession["source"] == "hub", "\(bySession)")
            }
        }
    }

    @Test func psWithTheHubDownSaysSoInOneLineAndReadsTheScreens() async throws {
        let agents = """
              - {name: screen, command: '\(Fixture.fakeAgentCommand())', kind: claude}
            """
        // The TestFleet's hub URL is port 1: nothing listens there.
        try await TestFleet.with(agents: agents) { fleet in
            let started = ContinuousClock.now
            let ps = try await Self.ps(fleet, token: nil)
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(ps.status == 0, "\(ps.output)")
            let notes = ps.output.split(separator: "\n").filter { $0.hasPrefix("(") }
            #expect(notes.count == 1 && notes[0].contains("hub at http://127.0.0.1:1 not reachable: nothing accepts connections there"), "\(ps.output)")
            #expect(Self.row("screen", in: ps.output).count >= 8, "\(ps.output)")
        }
    }

    /// Runs `flotilla ps -f FILE` with `FLOTILLA_TOKEN` set (or unset).
    static func ps(_ fleet: TestFleet, token: String?) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(
            .path(FilePath(UpWatchTests.binary)), arguments: ["ps", "-f", fleet.fleet.path],
            environment: .inherit.updating(["FLOTILLA_TOKEN": token]),
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
        )
        let status: Int32 = if case .exited(let code) = result.terminationStatus { Int32(code) } else { -1 }
        return (status, (result.standardOutput ?? "") + (result.standardError ?? ""))
    }

    /// The whitespace-separated cells of `agent`'s row.
    static func row(_ agent: String, in output: String) -> [String] {
        let line = output.split(separator: "\n").first { $0.hasPrefix(agent + " ") } ?? ""
        return line.split(separator: " ").map(String.init)
    }
}
