import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Testing

/// A live hub watching a real fleet in tmux: states, progress, stuck, error and complete read
/// off fake agents' screens reach `/api/events`; commands typed through the hub arrive and are
/// audited; kill ends an agent for good.
@Suite struct WatchLiveTests {
    static let agents = """
          - {name: walker, command: '\(Fixture.fakeAgentCommand())', kind: claude, auto_approve: true, task_spec: TASK.md}
          - {name: asker, command: '\(Fixture.fakeAgentCommand())', kind: claude}
        """

    @Test func walksAgentsThroughStatesOnTheHubEventStream() async throws {
        try await TestFleet.with(agents: Self.agents) { fleet in
            let directory = fleet.directory
            try await WatchHub.run(socket: fleet.socket, stuckAfter: .seconds(2)) { hub in
                let events = EventLog()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await events.follow(hub.client) }
                    defer { group.cancelAll() }
                    try await Self.walk(hub: hub, events: events, directory: directory)
                    try await Self.reconnects(hub: hub, events: events, socket: fleet.socket)
                }
                // One log: every event has the next sequence number, and a stream resumed from
                // the middle continues exactly where the log does.
                let seqs = events.all.map(\.seq)
                #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
                let middle = events.all[events.all.count / 2]
                let resumed = try await Self.firstEvent(hub.client, since: middle.seq)
                #expect(resumed.seq > middle.seq)
                #expect(!resumed.type.hasPrefix("agent.") || events.all.contains { $0.seq == resumed.seq })
            }
        }
    }

    static func walk(hub: WatchHub, events: EventLog, directory: String) async throws {
        try await events.wait("both agents idle") { $0.states("walker").contains("idle") && $0.states("asker").contains("idle") }
        #expect(events.states("walker").first == "initializing")
        let overview = try await hub.get("/api/watch")
        #expect(overview.json["enabled"] == true)
        #expect(overview.json["agents"]?.arrayValue?.compactMap { $0["agent"]?.stringValue } == ["asker", "walker"])

        // progress: the task spec's checkboxes.
        try "- [x] one\n- [ ] two\n".write(toFile: directory + "/TASK.md", atomically: true, encoding: .utf8)
        try await events.wait("progress 50") { $0.of("walker", "agent.progress").contains { $0["percent"] == 50 } }

        // A command through the hub walks the walker thinking → waiting_input → (auto-approved)
        // working → idle.
        let idleCount = events.states("walker").count
        let sent = try await hub.post("/api/agents/walker/command?wait=30", #"{"text": "/approve delete the build"}"#)
        #expect(sent.status == 200, "\(sent.json)")
        #expect(sent.json["status"] == "sent" && sent.json["method"] == "literal" && sent.json["force"] == false)
        try await events.wait("walker walked to idle") { log in
            isSubsequence(["thinking", "waiting_input", "working", "idle"], of: Array(log.states("walker").dropFirst(idleCount)))
        }
        try await events.wait("command_sent") { $0.of("walker", "agent.command_sent").contains { $0["id"] == sent.json["id"] } }
        #expect(Fixture.recorded(directory + "/rec-walker.jsonl") == ["/approve delete the build"])
        try "- [x] one\n- [x] two\n".write(toFile: directory + "/TASK.md", atomically: true, encoding: .utf8)
        try await events.wait("progress 100") { $0.of("walker", "agent.progress").contains { $0["percent"] == 100 } }

        // The asker has no auto-approve: its prompt waits for a person, and after the stuck
        // timeout without a change it is stuck. A command for it stays queued meanwhile.
        let asked = try await hub.post("/api/agents/asker/command", #"{"command": "/approve rm -rf build"}"#)
        #expect(asked.status == 202 && asked.json["status"] == "queued", "\(asked.json)")
        try await events.wait("asker waiting for input") { $0.states("asker").contains("waiting_input") }
        try await events.wait("agent.stuck") { !$0.of("asker", "agent.stuck").isEmpty }
        let queued = try await hub.post("/api/agents/asker/command", #"{"text": "hello"}"#)
        #expect(queued.status == 202 && queued.json["status"] == "queued")
        let askerCommands = try await hub.get("/api/agents/asker/commands")
        #expect(askerCommands.json["commands"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["sent", "queued"])

        // error, then complete (forced, as a person would after an error; unforced works too: see
        // CommandQueueLiveTests).
        let failed = try await hub.post("/api/agents/walker/command?wait=30", #"{"text": "/fail"}"#)
        #expect(failed.json["status"] == "sent")
        try await events.wait("agent.error") { !$0.of("walker", "agent.error").isEmpty }
        let done = try await hub.post("/api/agents/walker/command?wait=30", #"{"text": "/done", "force": true}"#)
        #expect(done.json["status"] == "sent" && done.json["force"] == true)
        try await events.wait("agent.complete") { !$0.of("walker", "agent.complete").isEmpty }

        let screen = try await hub.get("/api/agents/walker/output")
        #expect(screen.status == 200 && screen.json["state"] == "complete" && screen.json["pane"]?.stringValue?.hasPrefix("%") == true)
        #expect(screen.json["output"]?.stringValue?.contains("Task complete") == true)
        let history = try await hub.get("/api/agents/walker/output?lines=200")
        #expect(history.json["lines"] == 200 && history.json["output"]?.stringValue?.contains("Fake Agent") == true)
        let walkerCommands = try await hub.get("/api/agents/walker/commands")
        let records = walkerCommands.json["commands"]?.arrayValue ?? []
        #expect(records.compactMap { $0["text"]?.stringValue } == ["/approve delete the build", "/fail", "/done"])
        #expect(records.allSatisfy { $0["status"] == "sent" && $0["error"] == .null })

        // kill: the asker's process group ends, its pane goes, and its queued command fails.
        let killed = try await hub.post("/api/agents/asker/kill", #"{"grace": 1}"#)
        #expect(killed.status == 200 && killed.json["killed"] == true, "\(killed.json)")
        try await events.wait("agent.killed and the queued command failed") { log in
            !log.of("asker", "agent.killed").isEmpty && log.of("asker", "agent.command_failed").contains { $0["text"] == "hello" }
        }
        let gone = try await hub.get("/api/agents/asker/output")
        #expect(gone.status == 404 && gone.json["error"]?["code"] == "agent_not_found")
        let trail = try await hub.get("/api/agents/asker/commands")
        #expect(trail.json["commands"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["sent", "failed"])
        #expect(Fixture.recorded(directory + "/rec-asker.jsonl") == ["/approve rm -rf build"])
    }

    /// A control connection lost under a live session is made again by the next scan, and the
    /// agent is watched and typed into as before.
    static func reconnects(hub: WatchHub, events: EventLog, socket: String) async throws {
        let starts = { (log: EventLog) in log.of("walker", "agent.screen_state").filter { $0["from"] == .null }.count }
        let before = starts(events)
        try await Tmux(configuration: TmuxConfiguration(socketName: socket)).run(["detach-client", "-s", "fleet"])
        try await events.wait("walker watched again") { starts($0) > before }
        let read = try await hub.post("/api/agents/walker/command?wait=30", #"{"text": "/read the spec", "force": true}"#)
        #expect(read.json["status"] == "sent", "\(read.json)")
        try await events.wait("walker reading") { $0.states("walker").contains("reading") }
    }

    static func firstEvent(_ client: HubClient, since: Int64) async throws -> StreamedEvent {
        for try await event in client.events(since: since) { return event }
        throw TestFailure("the event stream ended")
    }
}
