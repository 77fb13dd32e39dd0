import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 22 (the Agents view's CPU column): a heartbeat's `cpu_percent` is the agent's and its
/// children's CPU over the last interval, so an agent whose shell task spins shows it busy
/// while the task runs, and idle again once it ended.
@Suite(.serialized) struct HeartbeatCPUTests {
    @Test func cpuPercentCountsTheRunningTaskThenDropsWhenItEnds() async throws {
        try await LiveHub.run(configure: { $0.policy.heartbeatInterval = 0.5 }) { served, client in
            let agent = try AgentProcess(["--agent-id", "spinner", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer { agent.stop() }
            try await eventually("the agent is online") { (try? await client.agent("spinner"))?["connected"] == true }
            // A child of the agent's shell that burns one core for a few seconds.
            let task = try await client.submit(["type": "code.generate", "payload": ["command": "end=$(( $(date +%s) + 4 )); while [ $(date +%s) -lt $end ]; do :; done"]])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            try await eventually("a heartbeat shows the spinning task", within: 10) {
                let percent = try await client.agent("spinner")["heartbeat"]?["cpu_percent"]?.doubleValue ?? 0
                return percent >= 40
            }
            try await eventually("the task succeeded", within: 20) { try await client.state(of: id) == "succeeded" }
            try await eventually("heartbeats show the agent idle again", within: 10) {
                let percent = try await client.agent("spinner")["heartbeat"]?["cpu_percent"]?.doubleValue ?? 100
                return percent < 20
            }
            let heartbeat = try #require(try await client.agent("spinner")["heartbeat"])
            #expect(heartbeat["rss_mb"]?.doubleValue ?? 0 > 0, "rss_mb stays beside it: \(heartbeat)")
        }
    }
}
