import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// `POST /api/goals/{id}/budget` on a real hub: sets the goal's budget (stored, shown, held
/// against by the scheduler); bad input, an unknown goal, an ended goal and a caller who is
/// not an admin are refused by code and change nothing.
@Suite struct GoalBudgetRouteTests {
    @Test func aGoalBudgetIsSetAndBadInputIsRefusedByCodeChangingNothing() async throws {
        let directory = TestHub.temporaryDirectory()
        let id = try await TestHub.run(dataDirectory: directory, configure: { $0.goals.concurrency = 0 }) { hub in
            let id = try #require(try await hub.client.addGoal(title: "Add rate limiting", repo: "/srv/api", budgetUSD: 0.05)["id"]?.stringValue)
            let raised = try await hub.client.setGoalBudget(id: id, budgetUSD: 2.5)
            #expect(raised["budget_usd"] == 2.5)
            #expect(raised["state"] == "queued")
            #expect(raised["cost"]?["usd"] == 0)
            for (body, status, code, field) in [
                (#"{"budget_usd": -1}"#, 400, "invalid_field", "budget_usd"),
                (#"{"budget_usd": 0}"#, 400, "invalid_field", "budget_usd"),
                (#"{"budget_usd": "lots"}"#, 400, "invalid_field", "budget_usd"),
                (#"{"budget_usd": 2000000}"#, 400, "invalid_field", "budget_usd"),
                (#"{}"#, 400, "missing_field", "budget_usd"),
                (#"{"budget_usd": 1, "usd": 1}"#, 400, "unknown_field", "usd"),
                (#"[1]"#, 400, "invalid_field", "body"),
            ] {
                let answer = try await hub.client.answer(.POST, "/api/goals/\(id)/budget", body: body)
                #expect(answer.status == status, "\(body): \(answer.body)")
                #expect(answer.body["error"]?["code"] == .string(code), "\(body): \(answer.body)")
                #expect(answer.body["error"]?["field"] == .string(field), "\(body): \(answer.body)")
            }
            let unknown = try await hub.client.answer(.POST, "/api/goals/g_0000000000000000/budget", body: #"{"budget_usd": 1}"#)
            #expect(unknown.status == 404 && unknown.body["error"]?["code"] == "goal_not_found")

            // Raising a budget spends money: a submitter may add goals, not raise their budgets.
            let submitter = try await hub.client.createToken(name: "s", scope: "submitter")
            let other = HubClient(baseURL: hub.client.baseURL, token: try #require(submitter["token"]?.stringValue))
            #expect(try await other.answer(.POST, "/api/goals/\(id)/budget", body: #"{"budget_usd": 9}"#).status == 403)

            _ = try await hub.client.cancelGoal(id: id)
            let ended = try await hub.client.answer(.POST, "/api/goals/\(id)/budget", body: #"{"budget_usd": 9}"#)
            #expect(ended.status == 409 && ended.body["error"]?["code"] == "invalid_state", "\(ended.body)")
            #expect(try await hub.client.goal(id: id)["budget_usd"] == 2.5, "nothing changed")
            return id
        }
        // The new budget is stored.
        try await TestHub.run(dataDirectory: directory, configure: { $0.goals.concurrency = 0 }) { hub in
            let stored = try await hub.client.goal(id: id)
            #expect(stored["budget_usd"] == 2.5)
        }
    }
}
