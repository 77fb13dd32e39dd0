import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// seeds/004's users: a tmux session Flotilla did not start is adopted (`flotilla
/// watch-session`, or the hub's `--watch-session`) and watched; `/api/agents/{id}` answers for
/// pane agents, by agent or session name; the seven events come over the root WebSocket with
/// the seed's names.
@Suite struct MonitorSocketTests {
    static let agents = """
          - {name: walker, command: '\(Fixture.fakeAgentCommand())', kind: claude}
        """

    @Test func adoptedSessionsAreWatchedAnsweredForAndStreamedWithTheSeedsEventNames() async throws {
        try await TestFleet.with(agents: Self.agents) { fleet in
            let tmux = fleet.fleet.tmux
            // The seed's users start their agents themselves: `tmux new -s my-task …`.
            for session in ["my-task", "late-task"] {
                try await tmux.run([
                    "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", fleet.directory, "-e", "FLOTILLA_AGENT_NAME=\(session)",
                    Fixture.fakeAgentCommand(),
                ])
            }
            let adopted = try await UpWatchTests.flotilla(["watch-session", "my-task", "--socket", fleet.socket])
            #expect(adopted.status == 0 && adopted.output.contains("as my-task"), "\(adopted.output)")

            try await WatchHub.run(socket: fleet.socket, adopt: ["late-task"]) { hub in
                let socket = MonitorSocket()
                try await socket.connect(url: "ws://127.0.0.1:\(hub.port)/?token=\(hub.adminToken)") {
                    try await Self.exercise(hub: hub, socket: socket, fleet: fleet)
                }
                // Seeds' message shapes: the greeting first, every event with the seed's fields.
                #expect(socket.all.first?["type"] == "connected")
                let changes = socket.events("state_change", session: "my-task")
                #expect(changes.contains { $0["state"] == "idle" && $0["pane"]?.stringValue?.hasPrefix("%") == true && $0["timestamp"]?.intValue != nil })

                // No token, a wrong one: refused before any upgrade.
                await #expect(throws: (any Error).self) {
                    try await MonitorSocket().connect(url: "ws://127.0.0.1:\(hub.port)/") {}
                }
                await #expect(throws: (any Error).self) {
                    try await MonitorSocket().connect(url: "ws://127.0.0.1:\(hub.port)/?token=flt_nope_nope") {}
                }
                // A plain GET of the root, without an upgrade, is a browser's: the dashboard's page.
                for token in [nil, "flt_nope_nope"] {
                    let (status, text) = try await HubClient(baseURL: "http://127.0.0.1:\(hub.port)", token: token).raw(.GET, "/")
                    #expect(status == 200 && text.contains("<html"), "\(text)")
                }
            }

            let released = try await UpWatchTests.flotilla(["watch-session", "my-task", "--socket", fleet.socket, "--stop"])
            #expect(released.status == 0 && released.output.contains("stopped watching my-task"), "\(released.output)")
            #expect(try await tmux.fleetPanes().map(\.agent).sorted() == ["late-task", "walker"])
        }
    }

    /// All seven of seeds/004's events reach the socket, each with the seed's fields.
    @Test func allSevenEventsComeOverTheSocket() async throws {
        let agents = """
              - {name: walker, command: '\(Fixture.fakeAgentCommand())', kind: claude, task_spec: TASK.md}
            """
        try await TestFleet.with(agents: agents) { fleet in
            try await WatchHub.run(socket: fleet.socket, stuckAfter: .seconds(1)) { hub in
                let socket = MonitorSocket()
                try await socket.connect(url: "ws://127.0.0.1:\(hub.port)/", header: hub.adminToken) {
                    try await socket.wait("walker idle") { $0.events("state_change", session: "walker").contains { $0["state"] == "idle" } }
                    try "- [x] one\n- [ ] two\n".write(toFile: fleet.directory + "/TASK.md", atomically: true, encoding: .utf8)
                    try await socket.wait("progress 50") { $0.events("progress", session: "walker").contains { $0["progress"] == 50 } }
                    _ = try await hub.post("/api/agents/walker/command?wait=20", #"{"text": "/fail"}"#)
                    try await socket.wait("agent_error") { !$0.events("agent_error", session: "walker").isEmpty }
                    _ = try await hub.post("/api/agents/walker/command?wait=20", #"{"text": "/done"}"#)
                    try await socket.wait("agent_complete") { !$0.events("agent_complete", session: "walker").isEmpty }
                    _ = try await hub.post("/api/agents/walker/command?wait=20", #"{"text": "/hold"}"#)
                    try await socket.wait("agent_stuck") { !$0.events("agent_stuck", session: "walker").isEmpty }
                    let queued = try await hub.post("/api/agents/walker/command", #"{"text": "never"}"#)
                    let id = queued.json["id"]?.intValue ?? 0
                    _ = try await hub.post("/api/agents/walker/commands/\(id)/cancel", nil)
                    try await socket.wait("command_failed") {
                        $0.events("command_failed", session: "walker").contains { $0["jobId"] == .int(Int64(id)) && $0["error"] == "cancelled" && $0["command"] == "never" }
                    }
                }
                let names = Set(socket.all.compactMap { $0["event"]?.stringValue })
                let seven: Set = ["state_change", "progress", "agent_stuck", "agent_error", "agent_complete", "command_sent", "command_failed"]
                #expect(seven.isSubset(of: names), "\(names)")
                #expect(socket.events("agent_stuck", session: "walker").allSatisfy { ($0["idleTime"]?.doubleValue ?? 0) >= 1 })
                let seqs = socket.all.compactMap { $0["seq"]?.intValue }.dropFirst()
                #expect(Array(seqs) == seqs.sorted(), "events in log order")

                // `?since=0` replays the log: a late client gets what it missed, in order, once.
                let late = MonitorSocket()
                try await late.connect(url: "ws://127.0.0.1:\(hub.port)/?since=0&token=\(hub.adminToken)") {
                    try await late.wait("the replay up to command_failed") { !$0.events("command_failed", session: "walker").isEmpty }
                }
                let replayed = Self.eventSeqs(late)
                let original = Self.eventSeqs(socket)
                #expect(Array(replayed.prefix(original.count)) == original)
            }
        }
    }

    /// The sequence numbers of the events `socket` received, in order.
    static func eventSeqs(_ socket: MonitorSocket) -> [Int64] {
        var seqs: [Int64] = []
        for message in socket.all where message["type"] == "event" {
            if let seq = message["seq"]?.intValue { seqs.append(seq) }
        }
        return seqs
    }

    /// `flotilla hub --watch-session NAME` (the real binary, run in a tmux window of the test's
    /// socket) adopts the session by itself, including one started after the hub.
    @Test func hubOptionAdoptsSessionsAsTheyAppear() async throws {
        try await TestFleet.with(agents: Self.agents) { fleet in
            let port = try UpWatchTests.freePort()
            let data = fleet.directory + "/hubdata"
            try await fleet.fleet.tmux.run([
                "new-session", "-d", "-s", "hubrun", "-c", fleet.directory,
                "\(UpWatchTests.binary) hub --port \(port) --data-dir \(data) --tmux-socket \(fleet.socket) --watch-session seeded --watch-kind claude",
            ])
            var client = HubClient(baseURL: "http://127.0.0.1:\(port)", token: nil)
            let up = try await UpWatchTests.eventually("the hub up") {
                guard let token = try? String(contentsOfFile: data + "/admin.token", encoding: .utf8) else { return false }
                client.token = token.trimmingCharacters(in: .whitespacesAndNewlines)
                return (try? await client.send(.GET, "/api/watch", timeout: .seconds(2)).body["enabled"]) == true
            }
            #expect(up)
            try await fleet.fleet.tmux.run([
                "new-session", "-d", "-s", "seeded", "-x", "120", "-y", "40", "-c", fleet.directory, "-e", "FLOTILLA_AGENT_NAME=seeded",
                Fixture.fakeAgentCommand(),
            ])
            let watched = try await UpWatchTests.eventually("the late session adopted and idle") {
                let agent = try? await client.send(.GET, "/api/agents/seeded", timeout: .seconds(2)).body
                return agent?["state"] == "idle" && agent?["kind"] == "claude" && agent?["source"] == "pane"
            }
            #expect(watched)
        }
    }

    static func exercise(hub: WatchHub, socket: MonitorSocket, fleet: TestFleet) async throws {
        let found = try await UpWatchTests.eventually("the adopted sessions watched and idle") {
            let agents = try await hub.get("/api/agents").json["agents"]?.arrayValue ?? []
            return Set(agents.filter { $0["state"] == "idle" }.compactMap { $0["id"]?.stringValue }) == ["my-task", "late-task", "walker"]
        }
        #expect(found)

        // One id space: a pane agent answers by its name, and by its tmux session's.
        let byName = try await hub.get("/api/agents/my-task")
        #expect(byName.status == 200 && byName.json["source"] == "pane" && byName.json["session"] == "my-task" && byName.json["state"] == "idle", "\(byName.json)")
        #expect(byName.json["kind"] == "claude" && byName.json["progress"] == .null)
        let bySession = try await hub.get("/api/agents/fleet")
        #expect(bySession.status == 200 && bySession.json["id"] == "walker", "\(bySession.json)")
        let pane = try #require(byName.json["pane"]?.stringValue)
        let byPane = try await hub.get("/api/agents/\(pane.replacingOccurrences(of: "%", with: "%25"))")
        #expect(byPane.status == 200 && byPane.json["id"] == "my-task", "\(byPane.json)")
        let listed = try await hub.get("/api/agents")
        #expect(listed.json["count"] == 3 && listed.json["agents"]?.arrayValue?.allSatisfy { $0["source"] == "pane" } == true)
        let unknown = try await hub.get("/api/agents/nobody")
        #expect(unknown.status == 404 && unknown.json["error"]?["code"] == "agent_not_found", "\(unknown.json)")

        // Commands to an adopted agent, and its events on the socket with the seed's names.
        socket.send(#"{"type":"ping"}"#)
        let sent = try await hub.post("/api/agents/my-task/command?wait=20", #"{"command": "/fail"}"#)
        #expect(sent.json["status"] == "sent", "\(sent.json)")
        try await socket.wait("command_sent, state_change and agent_error for my-task") { socket in
            socket.events("command_sent", session: "my-task").contains { $0["command"] == "/fail" && $0["jobId"] == sent.json["id"] }
                && socket.events("state_change", session: "my-task").contains { $0["state"] == "error" }
                && !socket.events("agent_error", session: "my-task").isEmpty
                && socket.all.contains { $0["type"] == "pong" }
        }
        #expect(Fixture.recorded(fleet.directory + "/rec-my-task.jsonl") == ["/fail"])
        let done = try await hub.post("/api/agents/late-task/command?wait=20", #"{"text": "/done"}"#)
        #expect(done.json["status"] == "sent", "\(done.json)")
        try await socket.wait("agent_complete for late-task") { !$0.events("agent_complete", session: "late-task").isEmpty }

        // `subscribe` keeps one session's events only.
        // The hub reads a socket's messages in order: the pong after the subscription says it holds.
        let pongs = socket.all.filter { $0["type"] == "pong" }.count
        socket.send(#"{"type":"subscribe","sessions":["walker"]}"#)
        socket.send(#"{"type":"ping"}"#)
        try await socket.wait("the pong after subscribing") { $0.all.filter { $0["type"] == "pong" }.count > pongs }
        let before = socket.all.count
        let quiet = try await hub.post("/api/agents/my-task/command?wait=20", #"{"text": "still here"}"#)
        #expect(quiet.json["status"] == "sent")
        let walked = try await hub.post("/api/agents/walker/command?wait=20", #"{"text": "hello walker"}"#)
        #expect(walked.json["status"] == "sent")
        try await socket.wait("walker's command_sent") { !$0.events("command_sent", session: "walker").isEmpty }
        #expect(socket.all.dropFirst(before).allSatisfy { $0["session"] == "walker" })
        #expect(Fixture.recorded(fleet.directory + "/rec-my-task.jsonl") == ["/fail", "still here"])
    }
}
