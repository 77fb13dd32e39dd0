import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 20 item 2 with real agent processes: a second `flotilla agent` for a live agent's id,
/// with another token, does not take it over; it waits (retrying) and takes the id once the
/// live one is gone, as a restarted agent with a freshly minted token must.
@Suite struct AgentTakeoverTests {
    @Test func aSecondAgentWithAnotherTokenWaitsForTheLiveOne() async throws {
        try await LiveHub.run { served, client in
            let first = try #require(try await client.createToken(name: "twin")["token"]?.stringValue)
            let second = try #require(try await client.createToken(name: "twin-again", agentID: "twin")["token"]?.stringValue)
            let arguments = ["--role", "twins", "--agent-id", "twin", "--executor", "shell", "--workdir", Paths.temporaryDirectory()]
            let live = try AgentProcess(arguments, hub: served.baseURL, token: first)
            defer { live.stop() }
            try await eventually("the first agent is connected") { (try? await client.agent("twin"))?["pid"]?.intValue == Int64(live.pid) }
            let late = try AgentProcess(arguments, hub: served.baseURL, token: second)
            defer { late.stop() }
            try await eventually("the second agent is refused") { late.log.contains("agent_in_use") }
            #expect(late.process.isRunning, "a refusal for now is retried, not fatal: \(late.log)")
            #expect(try await client.agent("twin")["pid"]?.intValue == Int64(live.pid), "the live session is untouched")
            live.stop()
            try await eventually("the second agent takes the id once the first is gone", within: 30) {
                let shown = try? await client.agent("twin")
                return shown?["pid"]?.intValue == Int64(late.pid) && shown?["connected"] == true
            }
        }
    }
}
