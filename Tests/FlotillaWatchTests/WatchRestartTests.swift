import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// Issue 22 (Agent page's restart button): `POST /api/agents/{id}/restart` starts a watched
/// agent's command afresh in its own pane (real tmux, the fake TUI agent), and the hub goes on
/// watching it there.
@Suite struct WatchRestartTests {
    @Test func restartRespawnsThePaneCommandAndTheWatchGoesOn() async throws {
        try await TestFleet.with(agents: "  - {name: solo, command: '\(Fixture.fakeAgentCommand())', kind: claude}") { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                let events = EventLog()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await events.follow(hub.client) }
                    defer { group.cancelAll() }
                    try await events.wait("solo idle") { $0.states("solo").contains("idle") }
                    let before = try await fleet.fleet.pane(of: "solo")
                    let idleStates = events.states("solo").count

                    let restarted = try await hub.post("/api/agents/solo/restart", nil)
                    #expect(restarted.status == 200, "\(restarted.json)")
                    #expect(restarted.json["agent"] == "solo" && restarted.json["restarted"] == true)
                    #expect(restarted.json["pane"]?.stringValue == before.id)

                    // A new process in the same pane; the old one is gone.
                    let after = try await fleet.fleet.pane(of: "solo")
                    #expect(after.id == before.id && after.pid != before.pid)
                    #expect(try await UpWatchTests.eventually("the old process ends", within: 5) { !ProcessLiveness.isAlive(before.pid) })
                    // The watcher reads the new process: it starts up and turns idle again.
                    try await events.wait("solo idle again after the restart") { log in
                        Array(log.states("solo").dropFirst(idleStates)).contains("idle")
                    }
                    let agent = try await hub.get("/api/agents/solo")
                    #expect(agent.status == 200, "\(agent.json)")
                    // The restart is in the event log, with the process it replaced.
                    try await events.wait("agent.restarted") { log in
                        log.of("solo", "agent.restarted").contains { $0["pid"]?.intValue == Int64(before.pid) && $0["pane"]?.stringValue == before.id }
                    }
                }
            }
        }
    }

    @Test func restartWithoutAWatchedAgentChangesNothing() async throws {
        try await TestFleet.with(agents: "  - {name: solo, command: '\(Fixture.fakeAgentCommand())', kind: claude}") { fleet in
            try await WatchHub.run(socket: fleet.socket) { hub in
                #expect(try await UpWatchTests.eventually("solo watched") { (try? await hub.get("/api/agents/solo"))?.status == 200 })
                let pid = try await fleet.fleet.pane(of: "solo").pid
                let unknown = try await hub.post("/api/agents/nobody/restart", nil)
                #expect(unknown.status == 404 && unknown.json["error"]?["code"] == "agent_not_found", "\(unknown.json)")
                let viewer = try await hub.client.createToken(name: "viewer", scope: "viewer")["token"]?.stringValue
                let refused = try await hub.post("/api/agents/solo/restart", nil, token: viewer)
                #expect(refused.status == 403 && refused.json["error"]?["code"] == "forbidden")
                #expect(try await fleet.fleet.pane(of: "solo").pid == pid)
            }
            // A hub that watches no panes cannot restart anything.
            try await WatchHub.run(socket: nil) { hub in
                let answer = try await hub.post("/api/agents/solo/restart", nil)
                #expect(answer.status == 404 && answer.json["error"]?["code"] == "agent_not_found", "\(answer.json)")
            }
        }
    }
}
