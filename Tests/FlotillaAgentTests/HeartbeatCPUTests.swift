import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation
import Synchronization
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
            // A child of the agent's shell that keeps one core busy for a few seconds.
            let task = try await client.submit(["type": "code.generate", "payload": ["command": "end=$(( $(date +%s) + 5 )); while [ $(date +%s) -lt $end ]; do :; done"]])
            let id = try #require(task["id"]?.stringValue)
            try await eventually("the task is running") { try await client.state(of: id) == "running" }
            // The busiest heartbeat while it runs. Alone it is about 100 %; other tests running
            // beside this one share the two cores, so the bar is lower.
            let busiest = Mutex(0.0)
            try await eventually("the task succeeded", within: 30) {
                let percent = try await client.agent("spinner")["heartbeat"]?["cpu_percent"]?.doubleValue ?? 0
                busiest.withLock { $0 = max($0, percent) }
                return try await client.state(of: id) == "succeeded"
            }
            let busy = busiest.withLock { $0 }
            #expect(busy >= 15, "the busiest heartbeat while the task spun: \(busy) %")
            try await eventually("heartbeats show the agent idle again", within: 10) {
                let percent = try await client.agent("spinner")["heartbeat"]?["cpu_percent"]?.doubleValue ?? 100
                return percent < min(10, busy / 2)
            }
            let heartbeat = try #require(try await client.agent("spinner")["heartbeat"])
            #expect(heartbeat["rss_mb"]?.doubleValue ?? 0 > 0, "rss_mb stays beside it: \(heartbeat)")
        }
    }
}
