import Foundation
import Testing

@testable import FlotillaTmux

/// Runs the flotilla binary (env FLOTILLA_BIN, else .build/debug/flotilla).
func flotilla(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let binary = ProcessInfo.processInfo.environment["FLOTILLA_BIN"] ?? root + "/.build/debug/flotilla"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite(.serialized) struct FleetFileTests {
    @Test func validatesWithStableCodes() throws {
        func code(_ yaml: String) -> (String, String?)? {
            do { _ = try FleetFile.parse(yaml: yaml); return nil } catch let error as FleetError { return (error.code.rawValue, error.field) } catch { return ("other", nil) }
        }
        #expect(code("agents: []")! == ("fleet_invalid_field", "agents"))
        #expect(code("session: x")! == ("fleet_missing_field", "agents"))
        #expect(code("agents:\n  - name: a\n    command: x\n    colour: red")! == ("fleet_unknown_field", "agents[0].colour"))
        #expect(code("agents:\n  - name: a\n    role: r")! == ("fleet_missing_field", "agents[0].executor"))
        #expect(code("agents:\n  - name: a\n    role: r\n    executor: cobol")! == ("fleet_invalid_field", "agents[0].executor"))
        #expect(code("agents:\n  - name: a\n    command: x\n    count: many")! == ("fleet_invalid_field", "agents[0].count"))
        #expect(code("agents:\n  - {name: a, command: x, count: 2}\n  - {name: a-1, command: y}")! == ("fleet_duplicate_agent", "agents"))
        #expect(code("hub: {url: 'ftp://x'}\nagents:\n  - {name: a, command: x}")! == ("fleet_invalid_field", "hub.url"))
        #expect(code("agents: [\n")?.0 == "fleet_invalid_yaml")
        let fleet = try FleetFile.parse(yaml: """
            hub: {url: 'http://127.0.0.1:7711', start: true}
            agents:
              - {name: coder, role: backend, executor: claude, count: 2, model: sonnet, worktree: true, auto_approve: {deny: ['rm -rf']}}
              - {name: sh, command: 'bash -l', workdir: /tmp}
            """, baseDirectory: "/srv")
        let agents = try fleet.expandedAgents(flotilla: "/bin/flotilla")
        #expect(agents.map(\.name) == ["coder-1", "coder-2", "sh"])
        #expect(agents[0].command.command == "/bin/flotilla agent --agent-id coder-1 --hub http://127.0.0.1:7711 --role backend --executor claude --model sonnet --auto-approve --token-file /srv/.flotilla/tokens/coder-1.token --consume-token-file --workdir \(fleet.agentDirectory("coder-1"))")
        #expect(agents[0].kind == "claude" && agents[2].kind == "shell")
        #expect(agents[2].command.workingDirectory == "/tmp" && agents[0].command.workingDirectory == fleet.agentDirectory("coder-1"))
        #expect(agents[0].spec.autoApprove == AutoApprovePolicy(enabled: true, deny: ["rm -rf"]))
        #expect(fleet.hubCommand(flotilla: "/bin/flotilla", socket: "fl")?.command == "/bin/flotilla hub --watch-panes --tmux-socket fl --port 7711 --host 127.0.0.1")
    }
}

@Suite(.serialized) struct FleetCommandTests {
    @Test func upPsRestartSuperviseSendStop() async throws {
        try await TestServer.with { server in
            let socket = server.tmux.configuration.socketName
            let file = server.directory + "/flotilla.yaml"
            try """
                session: fleet
                socket: \(socket)
                hub: {url: 'http://127.0.0.1:1', start: false}
                supervisor: {restart_backoff: 0.2, restart_backoff_max: 1}
                agents:
                  - name: worker
                    count: 9
                    kind: claude
                    command: '/usr/bin/python3 \(Fixture.fakeAgent) --record rec-$FLOTILLA_AGENT_NAME.jsonl --busy 0.05'
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let up = try flotilla(["up", "-f", file])
            #expect(up.status == 0, "\(up.output)")
            #expect(up.output.contains("attach"))
            let fleet = try Fleet(path: file, flotilla: "flotilla")
            let panes = try await fleet.agentPanes()
            #expect(panes.count == 9)
            #expect(Set(panes.map(\.left)).count == 3 && Set(panes.map(\.top)).count == 3, "not a 3×3 grid")
            var pids = Set(panes.map(\.pid))

            let ready = await eventually { (try? flotilla(["ps", "-f", file]).output.components(separatedBy: " idle ").count == 10) ?? false }
            let ps = try flotilla(["ps", "-f", file])
            #expect(ready, "\(ps.output)")
            #expect((1...9).allSatisfy { ps.output.contains("worker-\($0) ") })

            let before = try await fleet.pane(of: "worker-1")
            #expect(try flotilla(["restart", "-f", file, "worker-1"]).status == 0)
            let after = try await fleet.pane(of: "worker-1")
            #expect(after.pid != before.pid && after.restarts == 1 && after.id == before.id)
            pids.insert(after.pid)

            let victim = try await fleet.pane(of: "worker-2")
            kill(victim.pid, SIGKILL)
            let revived = await eventually(timeout: .seconds(15)) {
                guard let pane = try? await fleet.pane(of: "worker-2") else { return false }
                return pane.pid != victim.pid && !pane.isDead && ProcessLiveness.isAlive(pane.pid)
            }
            #expect(revived, "the supervisor did not restart a killed agent")
            pids.insert(try await fleet.pane(of: "worker-2").pid)

            let send = try flotilla(["send", "-f", file, "worker-3", "hello fleet $HOME `x`"])
            #expect(send.status == 0, "\(send.output)")
            #expect(Fixture.recorded(server.directory + "/rec-worker-3.jsonl") == ["hello fleet $HOME `x`"])
            let logs = try flotilla(["logs", "--file", file, "worker-3"])
            #expect(logs.output.contains("hello fleet"))

            for pane in try await fleet.agentPanes() { pids.formUnion([pane.pid] + ProcessLiveness.descendants(of: pane.pid)) }
            let stop = try flotilla(["stop", "-f", file])
            #expect(stop.status == 0, "\(stop.output)")
            #expect(await !fleet.tmux.hasSession("fleet"))
            let leftovers = pids.filter(ProcessLiveness.isAlive)
            #expect(leftovers.isEmpty, "still running: \(leftovers)")
        }
    }
}
