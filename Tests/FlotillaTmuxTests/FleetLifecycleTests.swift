import Foundation
import Testing

@testable import FlotillaTmux

/// Issue 19, the process-manager users (seeds/002): an agent stopped by name starts again
/// (`start`, or `restart`), and `send --all` types into every agent.
@Suite(.serialized) struct FleetLifecycleTests {
    func writeFleet(_ server: TestServer) throws -> String {
        let file = server.directory + "/flotilla.yaml"
        try """
            session: fleet
            socket: \(server.tmux.configuration.socketName)
            hub: {url: 'http://127.0.0.1:1', start: false}
            supervisor: {restart_backoff: 0.2, restart_backoff_max: 1}
            agents:
              - name: worker
                count: 2
                kind: claude
                command: '/usr/bin/python3 \(Fixture.fakeAgent) --record rec-$FLOTILLA_AGENT_NAME.jsonl --busy 0.05'
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aStoppedAgentStartsAgainByStartAndByRestart() async throws {
        try await TestServer.with { server in
            let file = try writeFleet(server)
            // With its supervisor, which keeps the session when every agent is stopped (and must not revive them).
            let up = try flotilla(["up", "-f", file, "--check-seconds", "0"])
            #expect(up.status == 0, "\(up.output)")
            let fleet = try Fleet(path: file, flotilla: "flotilla")

            #expect(try flotilla(["stop", "-f", file, "worker-1", "--grace", "1"]).status == 0)
            // Past the supervisor's restart delay (0.2 s), a stopped agent stays stopped.
            let revived = await eventually(timeout: .seconds(1.5)) { (try? await fleet.agentPanes().contains { $0.agentName == "worker-1" }) == true }
            #expect(!revived, "the supervisor restarted a stopped agent")
            let start = try flotilla(["start", "-f", file, "worker-1"])
            #expect(start.status == 0, "\(start.output)")
            let started = try await fleet.pane(of: "worker-1")
            #expect(!started.isDead && ProcessLiveness.isAlive(started.pid) && started.windowName == Fleet.agentsWindow)

            let again = try flotilla(["start", "-f", file, "worker-1"])
            #expect(again.status == 1 && again.output.contains("fleet_agent_running"), "\(again.output)")

            // Both agents stopped (the window is gone): restart brings one back in a new window.
            #expect(try flotilla(["stop", "-f", file, "worker-1", "--grace", "1"]).status == 0)
            #expect(try flotilla(["stop", "-f", file, "worker-2", "--grace", "1"]).status == 0)
            let restart = try flotilla(["restart", "-f", file, "worker-2"])
            #expect(restart.status == 0, "\(restart.output)")
            let restarted = try await fleet.pane(of: "worker-2")
            #expect(!restarted.isDead && ProcessLiveness.isAlive(restarted.pid))

            // Typing still works into the restarted agent, and its output goes to its log.
            let send = try flotilla(["send", "-f", file, "worker-2", "after the restart"])
            #expect(send.status == 0, "\(send.output)")
            #expect(Fixture.recorded(server.directory + "/rec-worker-2.jsonl") == ["after the restart"])
            #expect(try flotilla(["logs", "--file", file, "worker-2"]).output.contains("after the restart"))
        }
    }

    @Test func sendAllTypesIntoEveryAgent() async throws {
        try await TestServer.with { server in
            let file = try writeFleet(server)
            #expect(try flotilla(["up", "-f", file, "--no-supervisor", "--check-seconds", "0"]).status == 0)
            let send = try flotilla(["send", "-f", file, "--all", "to everyone $HOME"])
            #expect(send.status == 0, "\(send.output)")
            #expect(send.output.contains("sent to worker-1") && send.output.contains("sent to worker-2"), "\(send.output)")
            for name in ["worker-1", "worker-2"] {
                #expect(Fixture.recorded(server.directory + "/rec-\(name).jsonl") == ["to everyone $HOME"])
            }
            let wrong = try flotilla(["send", "-f", file, "--all", "worker-1", "text"])
            #expect(wrong.status != 0 && wrong.output.contains("--all"), "\(wrong.output)")
        }
    }
}
