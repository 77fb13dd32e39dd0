import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// `/api/costs`, `/api/budgets` and the `usage` message on a real hub (SQLite), with an agent
/// speaking the protocol directly.
@Suite struct CostRoutesTests {
    @Test func streamedUsageThenTheFinalCostIsOneFigurePerAttemptInTheTotalsAndTheTask() async throws {
        try await TestHub.run { hub in
            let task = try await hub.client.submit(["type": "code.generate", "role": "coder"])
            let id = try #require(task["id"]?.stringValue)
            try await TestAgent.run(hub, id: "coder-1", roles: ["coder"]) { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                for usd in [0.01, 0.02] {
                    let reply = try await agent.report(.usage, taskID: taskID, attempt: attempt, extra: [
                        "input_tokens": 1000, "output_tokens": 100, "cached_tokens": 400, "usd": .double(usd), "model": "m-1", "executor": "claude",
                    ])
                    #expect(reply.type == .ack, "\(reply.text)")
                }
                // While it runs, the task shows what it spent so far.
                let running = try await hub.client.task(id)
                #expect(running["cost"]?["usd"]?.doubleValue == 0.03)
                #expect(running["cost"]?["input_tokens"] == 2000)
                // The final cost replaces the streamed sum: $0.025, not $0.055.
                _ = try await agent.complete(taskID, attempt: attempt, result: ["cost": ["tokens_in": 2100, "tokens_out": 210, "cached_tokens": 800, "usd": 0.025], "model": "m-1"])
                let stale = try await agent.report(.usage, taskID: taskID, attempt: attempt, extra: ["usd": 1])
                #expect(stale.type == .error)
                #expect(stale.payload["code"] == "stale_attempt")
            }
            let done = try await hub.client.task(id)
            #expect(done["cost"]?["usd"]?.doubleValue == 0.025)
            #expect(done["cost"]?["attempts"] == 1)
            #expect(done["cost"]?["cached_tokens"] == 800)
            for (by, key) in [("agent", "coder-1"), ("role", "coder"), ("type", "code.generate"), ("task", id), ("model", "m-1"), ("executor", "claude"), ("day", UTCDay.name(Timestamp.now()))] {
                let report = try await hub.client.costs(query: ["by": by, "since": "1h"])
                #expect(report["by"] == .string(by))
                #expect(report["totals"]?.arrayValue?.map { $0["key"] } == [.string(key)], "\(by): \(report)")
                #expect(report["total"]?["usd"]?.doubleValue == 0.025)
                #expect(report["total"]?["input_tokens"] == 2100)
                #expect(report["total"]?["output_tokens"] == 210)
                #expect(report["total"]?["attempts"] == 1)
            }
            let later = try await hub.client.costs(query: ["since": "2999-01-01"])
            #expect(later["totals"]?.arrayValue?.isEmpty == true)
            #expect(later["total"]?["usd"]?.doubleValue == 0)
        }
    }

    @Test func badCostQueriesAndBudgetsAreRefusedByNameAndChangeNothing() async throws {
        try await TestHub.run(configure: { $0.budgets = BudgetLimits(day: 5, roles: ["coder": 2]) }) { hub in
            let before = try await hub.client.budgets()
            for (query, field) in [("by=planet", "by"), ("since=yesterday", "since"), ("until=soon", "until"), ("since=1h&until=2h", "until")] {
                let answer = try await hub.client.answer(.GET, "/api/costs?\(query)")
                #expect(answer.status == 400, "\(query)")
                #expect(answer.body["error"]?["code"] == "invalid_field")
                #expect(answer.body["error"]?["field"] == .string(field))
            }
            for (body, code, field) in [
                (#"{"day": -1}"#, "invalid_field", "day"),
                (#"{"roles": {"coder": "lots"}}"#, "invalid_field", "roles.coder"),
                (#"{"day": 1, "week": 3}"#, "unknown_field", "week"),
                (#"[1]"#, "invalid_field", nil),
            ] {
                let answer = try await hub.client.answer(.PUT, "/api/budgets", body: body)
                #expect(answer.status == 400, "\(body): \(answer.body)")
                #expect(answer.body["error"]?["code"] == .string(code))
                if let field { #expect(answer.body["error"]?["field"] == .string(field)) }
            }
            #expect(try await hub.client.budgets() == before, "a refused change changes nothing")
            let negative = try await hub.client.answer(.POST, "/api/tasks", body: #"{"type": "x", "budget": -0.5}"#)
            #expect(negative.status == 400)
            #expect(negative.body["error"]?["field"] == "budget")

            // A viewer reads budgets and costs, but may not change budgets.
            let viewer = try await hub.client.createToken(name: "v", scope: "viewer")
            let reader = HubClient(baseURL: hub.client.baseURL, token: try #require(viewer["token"]?.stringValue))
            #expect(try await reader.budgets()["limits"]?["day"]?.doubleValue == 5)
            #expect(try await reader.answer(.GET, "/api/costs").status == 200)
            let refused = try await reader.answer(.PUT, "/api/budgets", body: #"{"day": 100}"#)
            #expect(refused.status == 403)

            let changed = try await hub.client.setBudgets(["day": nil, "roles": ["coder": 3, "tester": 1]])
            #expect(changed["limits"]?["day"] == .null)
            #expect(changed["limits"]?["roles"]?["coder"]?.doubleValue == 3)
            #expect(changed["limits"]?["roles"]?["tester"]?.doubleValue == 1)
            #expect(changed["day"] == .string(UTCDay.name(Timestamp.now())))
        }
    }

    @Test func todaysSpendingSurvivesARestartAndStillHoldsDispatch() async throws {
        let directory = TestHub.temporaryDirectory()
        try await TestHub.run(dataDirectory: directory, configure: { $0.budgets = BudgetLimits(day: 0.05) }) { hub in
            let task = try await hub.client.submit(["type": "code.generate", "role": "coder"])
            let id = try #require(task["id"]?.stringValue)
            try await TestAgent.run(hub, id: "coder-1", roles: ["coder"]) { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                _ = try await agent.report(.usage, taskID: taskID, attempt: attempt, extra: ["usd": 0.04])
                _ = try await agent.complete(taskID, attempt: attempt, result: ["cost": ["usd": 0.06]])
            }
            #expect(try await hub.client.task(id)["state"] == "succeeded")
        }
        // A new hub on the same store: today's $0.06 is read back, the day budget is spent.
        try await TestHub.run(dataDirectory: directory, configure: { $0.budgets = BudgetLimits(day: 0.05) }) { hub in
            let budgets = try await hub.client.budgets()
            #expect(budgets["spent"]?["day"]?.doubleValue == 0.06, "\(budgets)")
            #expect(budgets["spent"]?["roles"]?["coder"]?.doubleValue == 0.06)
            let held = try await hub.client.submit(["type": "code.generate", "role": "coder"])
            let id = try #require(held["id"]?.stringValue)
            try await TestAgent.run(hub, id: "coder-1", roles: ["coder"]) { _ in
                try await eventually("the task waits for budget") {
                    let shown = try await hub.client.task(id)
                    return (shown["waiting"]?.arrayValue ?? []).contains { $0["reason"] == "budget" && $0["spent"]?.doubleValue == 0.06 }
                }
            }
        }
    }
}
