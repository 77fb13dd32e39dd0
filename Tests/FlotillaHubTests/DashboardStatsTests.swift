import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 22 (Overview): the lanes' oldest wait, the last hour's outcomes and the stats
/// history, from a real hub and a real agent connection.
@Suite struct DashboardStatsTests {
    @Test func lanesShowTheirOldestWaitAndTheLastHourCountsOutcomes() async throws {
        try await TestHub.run { hub in
            // Nobody serves `nobody`: its lane holds the first task queued in it.
            let before = Timestamp.now()
            _ = try await hub.client.submit(["id": "waiting-1", "type": "code.generate", "role": "nobody"])
            _ = try await hub.client.submit(["id": "waiting-2", "type": "code.generate", "role": "nobody"])
            let stats = try await hub.client.stats()
            let lane = try #require(stats["lanes"]?.arrayValue?.first { $0["role"] == "nobody" })
            #expect(lane["depth"] == 2)
            let oldest = try #require(lane["oldest_queued_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(oldest >= before - 0.01 && oldest <= Timestamp.now())
            let wait = try #require(lane["oldest_wait_seconds"]?.doubleValue)
            #expect(wait >= 0 && wait < 10)
            // The oldest leaves: the next one is the lane's oldest now.
            _ = try await hub.client.cancel("waiting-1")
            let after = try await hub.client.stats()
            let next = try #require(after["lanes"]?.arrayValue?.first { $0["role"] == "nobody" })
            #expect(next["depth"] == 1)
            #expect(try #require(next["oldest_queued_at"]?.stringValue.flatMap(Timestamp.parse)) > oldest)

            _ = try await hub.client.submit(batch: [
                ["id": "ok", "type": "code.generate", "role": "general"],
                ["id": "flaky", "type": "code.generate", "role": "general", "max_attempts": 2],
                ["id": "broken", "type": "code.generate", "role": "general", "max_attempts": 1],
            ])
            try await TestAgent.run(hub, id: "worker") { agent in
                var failedOnce = false
                for _ in 0..<4 {
                    let assignment = try await agent.assignment()
                    switch assignment.taskID {
                    case "ok":
                        _ = try await agent.complete("ok", attempt: assignment.attempt)
                    case "flaky" where !failedOnce:
                        failedOnce = true
                        _ = try await agent.report(.fail, taskID: "flaky", attempt: assignment.attempt, extra: ["error": "flaked", "retryable": true])
                    case "flaky":
                        _ = try await agent.complete("flaky", attempt: assignment.attempt)
                    default:
                        _ = try await agent.report(.fail, taskID: assignment.taskID, attempt: assignment.attempt, extra: ["error": "broken", "retryable": true])
                    }
                }
                return ()
            }
            let lastHour = try #require(try await hub.client.stats()["tasks"]?["last_hour"])
            #expect(lastHour == ["succeeded": 2, "failed": 1, "dead": 1])
            // The typed client reads what the hub writes.
            let typed = try await hub.client.hubStats()
            #expect(typed.lastHour == OutcomeWindow.Counts(succeeded: 2, failed: 1, dead: 1))
            #expect(typed.lanes.first { $0.role == "nobody" }?.oldestWaitSeconds != nil)
        }
    }

    @Test func historySamplesCompletionsLatencyAndQueueEachInterval() async throws {
        try await TestHub.run(configure: { $0.historyInterval = 0.2 }) { hub in
            let empty = try await hub.client.answer(.GET, "/api/stats/history")
            #expect(empty.status == 200)
            #expect(empty.body["interval_seconds"]?.doubleValue == 0.2)
            _ = try await hub.client.submit(["id": "quick", "type": "code.generate", "role": "general"])
            _ = try await hub.client.submit(["id": "stays", "type": "code.generate", "role": "nobody"])
            try await TestAgent.run(hub, id: "worker") { agent in
                let assignment = try await agent.assignment()
                _ = try await agent.complete(assignment.taskID, attempt: assignment.attempt)
                return ()
            }
            try await eventually("a sample with the completion") {
                let samples = try await hub.client.answer(.GET, "/api/stats/history?minutes=1").body["samples"]?.arrayValue ?? []
                return samples.contains { $0["completed_per_second"]?.doubleValue ?? 0 > 0 }
            }
            try await eventually("a later sample with no completion") {
                let samples = try await hub.client.answer(.GET, "/api/stats/history?minutes=1").body["samples"]?.arrayValue ?? []
                guard let index = samples.firstIndex(where: { $0["completed_per_second"]?.doubleValue ?? 0 > 0 }) else { return false }
                return samples[(index + 1)...].contains { $0["latency_p50"] == .null }
            }
            let samples = try #require(try await hub.client.answer(.GET, "/api/stats/history?minutes=1").body["samples"]?.arrayValue)
            let index = try #require(samples.firstIndex { $0["completed_per_second"]?.doubleValue ?? 0 > 0 })
            let busy = samples[index]
            // One success over the sample's interval: 1 / its length, 5 per second when the
            // sampler is on time. On a loaded machine it runs late (the rate was under 2: the
            // interval lasted over half a second), so the length is read from the samples' own
            // times, not assumed; it is never shorter than 0.2 s.
            let rate = try #require(busy["completed_per_second"]?.doubleValue)
            #expect(rate < 10)
            if index > 0, let start = samples[index - 1]["ts"]?.stringValue.flatMap(Timestamp.parse),
                let end = busy["ts"]?.stringValue.flatMap(Timestamp.parse), end > start {
                #expect(abs(rate * (end - start) - 1) <= 0.3, "\(rate) per second, the samples \(end - start) s apart")
            } else {
                #expect(rate > 0)
            }
            let p50 = try #require(busy["latency_p50"]?.doubleValue)
            #expect(p50 > 0 && p50 < 30 && busy["latency_p99"]?.doubleValue == p50)
            let last = try #require(samples.last)
            #expect(last["queued"] == 1 && last["running"] == 0)
            // Oldest first, one interval apart.
            let times = samples.compactMap { $0["ts"]?.stringValue.flatMap(Timestamp.parse) }
            #expect(times.count == samples.count && times == times.sorted())
            // minutes=1 of 0.2-s samples keeps at most 300.
            #expect(samples.count <= 300)
        }
    }

    @Test(arguments: ["0", "61", "-5", "ten", "1.5", ""])
    func badMinutesAreRefused(minutes: String) async throws {
        try await TestHub.run { hub in
            let answer = try await hub.client.answer(.GET, "/api/stats/history?minutes=\(minutes)")
            #expect(answer.status == 400, "\(answer.body)")
            #expect(answer.body["error"]?["code"] == "invalid_field")
            #expect(answer.body["error"]?["field"] == "minutes")
        }
    }
}
