import FlotillaCore
import Testing

@testable import FlotillaTmux

/// `flotilla ps` rows take the hub's view of agents it knows.
@Suite struct FleetHubStatusTests {
    static func row(alive: Bool = true, state: String = "initializing", task: String = "-") -> Fleet.AgentStatus {
        Fleet.AgentStatus(name: "w", pane: "%1", pid: alive ? 42 : nil, alive: alive, state: state, task: task, uptimeSeconds: 5, restarts: 0)
    }

    /// The hub's agent as `/api/agents` lists it (read by its decoder, as `flotilla ps` does).
    static func agent(_ state: AgentState, held: [String], lastSeen: String = "2026-12-04T14:00:00.000Z") throws -> AgentStatus {
        let text = #"{"id":"w","source":"hub","roles":["general"],"state":"\#(state.rawValue)","held":\#(JSONValue.array(held.map { .string($0) }).jsonString),"last_seen":"\#(lastSeen)"}"#
        return try #require(try AgentView(json: JSONValue.parse(text)).status)
    }

    @Test func takesStateHeldTaskWithProgressAndHeartbeatAge() throws {
        var row = Self.row()
        let agent = try Self.agent(.working, held: ["t1"])
        var task = TaskRecord(id: "t1", spec: TaskSpec(type: "code.generate"), state: .running, now: 0)
        task.progress = 42.6
        let now = try #require(Timestamp.parse("2026-12-04T14:00:07.500Z"))
        row.merge(hubAgent: agent, tasks: ["t1": task], now: now)
        #expect(row.state == "working" && row.task == "t1 code.generate 43%" && row.lastSeenSeconds == 7 && row.source == "hub")
    }

    @Test func keepsWhatTheHubCannotKnow() throws {
        // A held task the hub did not describe shows by id; a task spec shows while nothing is held.
        var busy = Self.row()
        let seen = try #require(Timestamp.parse("2026-12-04T14:00:00.000Z"))
        busy.merge(hubAgent: try Self.agent(.assigned, held: ["t9"]), tasks: [:], now: seen)
        #expect(busy.state == "assigned" && busy.task == "t9" && busy.lastSeenSeconds == 0)
        var spec = Self.row(task: "specs/a.md 50%")
        spec.merge(hubAgent: try Self.agent(.idle, held: []), tasks: [:], now: 0)
        #expect(spec.state == "idle" && spec.task == "specs/a.md 50%")
        // A dead pane says more than the hub's last word (offline).
        var dead = Self.row(alive: false, state: "exited")
        dead.merge(hubAgent: try Self.agent(.offline, held: []), tasks: [:], now: 0)
        #expect(dead.state == "exited")
    }
}
