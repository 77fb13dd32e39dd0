import FlotillaClient
import FlotillaCore
import Testing

/// Issue 22 (Dead letters, Agent page): the bulk retry, an agent's attempts and the restart
/// refusal for agents not in tmux, on a real hub with a real agent connection.
@Suite struct DashboardActionsTests {
    /// Two dead tasks (one attempt each, failed by `worker`) and one that succeeded.
    static func deadLetters(_ hub: TestHub) async throws {
        _ = try await hub.client.submit(batch: [
            ["id": "dead-1", "type": "code.generate", "role": "general", "max_attempts": 1],
            ["id": "dead-2", "type": "testing.run", "role": "general", "max_attempts": 1],
            ["id": "fine", "type": "code.generate", "role": "general"],
        ])
        try await TestAgent.run(hub, id: "worker") { agent in
            for _ in 0..<3 {
                let assignment = try await agent.assignment()
                if assignment.taskID == "fine" {
                    _ = try await agent.complete("fine", attempt: assignment.attempt)
                } else {
                    _ = try await agent.report(.fail, taskID: assignment.taskID, attempt: assignment.attempt, extra: ["error": .string("boom \(assignment.taskID)"), "retryable": false])
                }
            }
            return ()
        }
        // Gone before the tests retry: on a loaded machine the hub had not yet seen the socket
        // close and gave a retried task straight back to this agent (assigned, not queued).
        try await eventually("the worker is offline") { try await hub.client.agent("worker")["state"] == "offline" }
        for id in ["dead-1", "dead-2"] { #expect(try await hub.client.task(id)["state"] == "dead") }
    }

    @Test func aBulkRetryRetriesWhatItCanAndSaysWhyNotTheRest() async throws {
        try await TestHub.run { hub in
            try await Self.deadLetters(hub)
            let answer = try await hub.client.send(.POST, "/api/tasks/retry", body: ["ids": ["dead-1", "dead-2", "dead-1", "fine", "nosuch"]])
            #expect(answer.status == 200)
            #expect(answer.body["retried"] == ["dead-1", "dead-2"])
            let errors = try #require(answer.body["errors"]?.arrayValue)
            #expect(errors.map { $0["id"] } == ["fine", "nosuch"])
            #expect(errors.map { $0["code"] } == ["invalid_state", "task_not_found"])
            #expect(errors[0]["message"]?.stringValue?.contains("only dead, failed, cancelled or expired") == true)
            for id in ["dead-1", "dead-2"] { #expect(try await hub.client.task(id)["state"] == "queued") }
            #expect(try await hub.client.task("fine")["state"] == "succeeded")
        }
    }

    @Test(arguments: [
        (#"{}"#, "missing_field"),
        (#"{"ids": []}"#, "invalid_field"),
        (#"{"ids": "dead-1"}"#, "invalid_field"),
        (#"{"ids": ["dead-1", 7]}"#, "invalid_field"),
        (#"{"ids": ["dead-1", ""]}"#, "invalid_field"),
        (#"{"ids": ["dead-1"], "all": true}"#, "unknown_field"),
        (#"["dead-1"]"#, "invalid_field"),
        ("not json", "malformed_json"),
        ("{\"ids\": [" + (0...1000).map { "\"t\($0)\"" }.joined(separator: ",") + "]}", "invalid_field"),
    ])
    func badBulkRetriesRetryNothing(body: String, code: String) async throws {
        try await TestHub.run { hub in
            try await Self.deadLetters(hub)
            let answer = try await hub.client.answer(.POST, "/api/tasks/retry", body: body)
            #expect(answer.status == 400, "\(answer.body)")
            #expect(answer.body["error"]?["code"]?.stringValue == code, "\(answer.body)")
            for id in ["dead-1", "dead-2"] { #expect(try await hub.client.task(id)["state"] == "dead") }
        }
    }

    @Test func anAgentsAttemptsComeNewestFirstWithTheirTasksTypeAndRole() async throws {
        try await TestHub.run { hub in
            try await Self.deadLetters(hub)
            let answer = try await hub.client.answer(.GET, "/api/agents/worker/attempts")
            #expect(answer.status == 200)
            let attempts = try #require(answer.body["attempts"]?.arrayValue)
            #expect(attempts.count == 3)
            let started = attempts.compactMap { $0["started_at"]?.stringValue.flatMap(Timestamp.parse) }
            #expect(started == started.sorted(by: >))
            let byTask = Dictionary(uniqueKeysWithValues: attempts.map { ($0["task_id"]?.stringValue ?? "", $0) })
            #expect(byTask["fine"]?["outcome"] == "succeeded" && byTask["fine"]?["error"] == .null)
            #expect(byTask["dead-2"]?["outcome"] == "failed" && byTask["dead-2"]?["error"] == "boom dead-2")
            #expect(byTask["dead-2"]?["type"] == "testing.run" && byTask["dead-2"]?["role"] == "general")
            #expect(byTask["dead-1"]?["attempt"] == 1 && byTask["dead-1"]?["ended_at"]?.stringValue != nil)

            let one = try await hub.client.answer(.GET, "/api/agents/worker/attempts?limit=1")
            #expect(one.body["attempts"]?.arrayValue?.map { $0["task_id"] } == [attempts[0]["task_id"]])
            let nobody = try await hub.client.answer(.GET, "/api/agents/nobody/attempts")
            #expect(nobody.status == 200 && nobody.body["attempts"] == [])
            for limit in ["0", "201", "-1", "all"] {
                let bad = try await hub.client.answer(.GET, "/api/agents/worker/attempts?limit=\(limit)")
                #expect(bad.status == 400 && bad.body["error"]?["code"] == "invalid_field" && bad.body["error"]?["field"] == "limit")
            }
        }
    }

    @Test func anAgentNotInTmuxIsNotRestartable() async throws {
        try await TestHub.run { hub in
            try await TestAgent.run(hub, id: "socket-agent") { _ in
                let refused = try await hub.client.answer(.POST, "/api/agents/socket-agent/restart")
                #expect(refused.status == 409)
                #expect(refused.body["error"]?["code"] == "not_restartable")
                #expect(refused.body["error"]?["message"]?.stringValue?.contains("flotilla restart socket-agent") == true)
                #expect(try await hub.client.agent("socket-agent")["connected"] == true)
                return ()
            }
            let unknown = try await hub.client.answer(.POST, "/api/agents/nosuch/restart")
            #expect(unknown.status == 404 && unknown.body["error"]?["code"] == "agent_not_found")
        }
    }
}
