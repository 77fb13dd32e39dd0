import FlotillaCore
import Testing

@testable import FlotillaTmux

/// `flotilla ps` rows take the hub's view of agents it knows.
@Suite struct FleetHubStatusTests {
    static func row(alive: Bool = true, state: String = "initializing", task: String = "-") -> Fleet.AgentStatus {
        Fleet.AgentStatus(name: "w", pane: "%1", pid: alive ? 42 : nil, alive: alive, state: state, task: task, uptimeSeconds: 5, restarts: 0)
    }

    @Test func takesStateHeldTaskWithProgressAndHeartbeatAge() throws {
        var row = Self.row()
        let agent = try JSONValue.parse(#"{"id":"w","state":"working","held":["t1"],"last_seen":"2026-12-04T14:00:00.000Z"}"#)
        let task = try JSONValue.parse(#"{"id":"t1","type":"code.generate","progress":42.6}"#)
        let now = try #require(Fleet.AgentStatus.seconds(iso8601: "2026-12-04T14:00:07.500Z"))
        row.merge(hubAgent: agent, tasks: ["t1": task], now: now)
        #expect(row.state == "working" && row.task == "t1 code.generate 43%" && row.lastSeenSeconds == 7 && row.source == "hub")
    }

    @Test func keepsWhatTheHubCannotKnow() throws {
        // A held task the hub did not describe shows by id; a task spec shows while nothing is held.
        var busy = Self.row()
        busy.merge(hubAgent: try JSONValue.parse(#"{"state":"assigned","held":["t9"]}"#), tasks: [:], now: 0)
        #expect(busy.state == "assigned" && busy.task == "t9" && busy.lastSeenSeconds == nil)
        var spec = Self.row(task: "specs/a.md 50%")
        spec.merge(hubAgent: try JSONValue.parse(#"{"state":"idle","held":[]}"#), tasks: [:], now: 0)
        #expect(spec.state == "idle" && spec.task == "specs/a.md 50%")
        // A dead pane says more than the hub's last word (offline).
        var dead = Self.row(alive: false, state: "exited")
        dead.merge(hubAgent: try JSONValue.parse(#"{"state":"offline","held":[]}"#), tasks: [:], now: 0)
        #expect(dead.state == "exited")
    }
}
