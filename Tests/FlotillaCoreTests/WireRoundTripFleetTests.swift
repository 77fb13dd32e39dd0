@testable import FlotillaCore
import Testing

/// The fleet's wire shapes (agents, stats, events) read back by their one decoder as the value
/// the hub wrote.
@Suite struct WireRoundTripFleetTests {
    static let registration = AgentRegistration(
        id: "agent-1", roles: ["review", "code"], capabilities: ["git", "swift"], concurrency: 3,
        executor: "shell,claude", version: "1.2.3", pid: 4242, host: "box"
    )

    static let status = AgentStatus(
        registration: registration, state: .working, connected: true, accepting: true, held: ["t1", "t2"],
        connectedAt: 1_700_000_000.25, lastSeen: 1_700_000_009.5, heartbeat: ["rss_mb": 12.5, "status": "alive"],
        completed: 7, failed: 2
    )

    static let pane = PaneView(
        agent: "writer", session: "fleet", pane: "%3", kind: "claude", state: "working",
        since: 1_700_000_001.125, progress: PaneView.Progress(done: 3, total: 4, percent: 75)
    )

    @Test func aRegistrationReadsBackAsSent() throws {
        #expect(try AgentRegistration(json: Self.registration.json) == Self.registration)
        let bare = AgentRegistration(id: "a", roles: ["general"])
        #expect(try AgentRegistration(json: bare.json) == bare)
    }

    @Test func everyAgentViewReadsBackAsTheHubWroteIt() throws {
        let views = [
            AgentView(status: Self.status),
            AgentView(status: Self.status, screen: Self.pane),
            AgentView(pane: Self.pane),
            AgentView(pane: PaneView(agent: "idle-one", session: "s", pane: "%9", kind: "shell", state: "idle")),
        ]
        for view in views {
            // Through text, as the client receives it.
            let received = try JSONValue.parse(view.json.jsonString)
            #expect(try AgentView(json: received) == view)
        }
        // An agent only in a pane shows its pane at the top level too (seeds/004's shape).
        let paneOnly = AgentView(pane: Self.pane).json
        #expect(paneOnly["session"] == "fleet")
        #expect(paneOnly["progress"] == 75)
        #expect(paneOnly["source"] == "pane")
    }

    @Test func theSlotsViewIsTheStatus() throws {
        var slot = AgentSlot(registration: Self.registration, connection: 1, now: 1_700_000_000.25)
        slot.held = ["t2", "t1"]
        slot.running = ["t1"]
        slot.accepting = true
        slot.completed = 7
        slot.failed = 2
        slot.lastSeen = 1_700_000_009.5
        slot.heartbeat = ["rss_mb": 12.5, "status": "alive"]
        #expect(try AgentStatus(json: JSONValue.parse(slot.json.jsonString)) == Self.status)
    }

    @Test func statsReadBackAsTheHubWroteThem() throws {
        var byState: [TaskState: Int] = [:]
        for (index, state) in TaskState.allCases.enumerated() { byState[state] = index * 3 }
        var agents: [AgentState: Int] = [:]
        for (index, state) in AgentState.allCases.enumerated() { agents[state] = index }
        let stats = HubStats(
            tasksByState: byState, queued: 6,
            lanes: [
                HubStats.Lane(role: "review", roles: ["code", "review"], priority: .high, capabilities: ["git"], depth: 4),
                HubStats.Lane(role: "testing", roles: ["testing"], priority: .low, capabilities: [], depth: 2),
            ],
            agentsByState: agents, agentsTotal: 10, completedPerSecond: 12.25,
            latency: HubStats.Latency(p50: 0.5, p90: 1.25, p99: 3.75), lastSeq: 991
        )
        #expect(try HubStats(json: JSONValue.parse(stats.json.jsonString)) == stats)
        var idle = stats
        idle.latency = nil
        idle.lanes = []
        #expect(try HubStats(json: JSONValue.parse(idle.json.jsonString)) == idle)
    }

    @Test func theSchedulersStatsAreWhatTheHubAnswers() throws {
        var scheduler = Scheduler(policy: SchedulerPolicy())
        _ = try scheduler.submit([TaskSpec(type: "code.review", priority: .high), TaskSpec(type: "testing.run")], now: 1)
        let stats = HubStats(scheduler: &scheduler, now: 2)
        #expect(stats.tasksByState[.queued] == 2)
        #expect(stats.queued == 2)
        #expect(stats.lanes.map(\.depth) == [1, 1])
        #expect(try HubStats(json: stats.json) == stats)
    }

    @Test func eventsReadBackAsTheHubSentThem() throws {
        let record = TaskRecord(id: "t1", spec: TaskSpec(type: "code.review", priority: .high), state: .running, now: 0)
        let events = [
            EventRecord(seq: 41, type: "task.running", ts: 1_700_000_000.5, taskID: "t1", agentID: "agent-1", task: EventRecord.TaskFields(record), details: ["note": "on it"]),
            EventRecord(seq: 42, type: "agent.online", ts: 1_700_000_001, agentID: "agent-1", data: ["roles": ["review"]]),
            EventRecord(seq: 43, type: "hub.started", ts: 1_700_000_002.25),
        ]
        for event in events {
            let sent = try JSONValue.parse(String(decoding: event.jsonBytes, as: UTF8.self))
            let received = try EventRecord(json: sent)
            #expect(received == event)
            #expect(received.jsonBytes == event.jsonBytes)
        }
    }
}
