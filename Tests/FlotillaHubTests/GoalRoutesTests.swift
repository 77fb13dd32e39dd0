import FlotillaClient
import FlotillaCore
import FlotillaGoals
import FlotillaHub
import Foundation
import NIOHTTP1
import Testing

/// The goal backlog (issue 25 item 1) on a real hub (SQLite): `/api/goals` adds, lists, shows,
/// cancels and retries goals through GoalState's moves, each change a `goal.state_changed`
/// event, and the backlog outlives a restart.
@Suite struct GoalRoutesTests {
    /// No goal starts (`--goal-concurrency 0`): these tests hold the backlog alone.
    static func backlogOnly(_ configuration: inout HubConfiguration) { configuration.goals.concurrency = 0 }

    @Test func aGoalIsAddedListedCancelledRetriedWithAnEventPerChangeAndOutlivesARestart() async throws {
        let directory = TestHub.temporaryDirectory()
        let id = try await TestHub.run(dataDirectory: directory, configure: Self.backlogOnly) { hub in
            let added = try await hub.client.addGoal(title: "Add rate limiting to the API", repo: "/srv/api", budgetUSD: 0.5, priority: 70)
            let id = try #require(added["id"]?.stringValue)
            #expect(id.hasPrefix("g_") && id.count == 18)
            #expect(added["state"] == "queued")
            #expect(added["branch"] == .string("flotilla/goal-\(id)"))
            #expect(added["budget_usd"]?.doubleValue == 0.5)
            #expect(added["priority"] == 70)
            #expect(added["cost"]?["usd"]?.doubleValue == 0)

            let other = try #require(try await hub.client.addGoal(title: "Write the changelog", repo: "/srv/api")["id"]?.stringValue)
            let listed = try await hub.client.goals()
            #expect(listed["goals"]?.arrayValue?.map { $0["id"] } == [.string(other), .string(id)], "newest first")
            #expect(try await hub.client.goals(query: ["state": "cancelled"])["goals"]?.arrayValue?.isEmpty == true)

            let cancelled = try await hub.client.cancelGoal(id: id, reason: "superseded by the gateway")
            #expect(cancelled["state"] == "cancelled")
            #expect(cancelled["reasons"] == ["superseded by the gateway"])
            #expect(cancelled["ended_at"]?.doubleValue != nil)
            // A final goal cannot be cancelled again; a queued one cannot be retried.
            let again = try await hub.client.answer(.POST, "/api/goals/\(id)/cancel")
            #expect(again.status == 409)
            #expect(again.body["error"]?["code"] == "invalid_state")
            let early = try await hub.client.answer(.POST, "/api/goals/\(other)/retry")
            #expect(early.status == 409)
            #expect(early.body["error"]?["code"] == "invalid_state")

            let retried = try await hub.client.retryGoal(id: id)
            #expect(retried["state"] == "queued")
            #expect(retried["retries"] == 1)
            #expect(retried["ended_at"] == .null)
            #expect(try await hub.client.goals(query: ["state": "queued"])["goals"]?.arrayValue?.count == 2)

            // One event per change, in order, with where it came from and went.
            let moves = try await withDeadline(10, "the goal's events") {
                var moves: [String] = []
                for try await streamed in hub.client.events(since: 0, types: ["goal.state_changed"]) {
                    guard streamed.event.details["goal_id"] == .string(id) else { continue }
                    let from = streamed.event.details["from"]?.stringValue ?? "-"
                    moves.append("\(from)>\(streamed.event.details["to"]?.stringValue ?? "?")")
                    if moves.count == 3 { break }
                }
                return moves
            }
            #expect(moves == ["->queued", "queued>cancelled", "cancelled>queued"])
            return id
        }
        // The backlog is durable: a new hub on the same data reads it back.
        try await TestHub.run(dataDirectory: directory, configure: Self.backlogOnly) { hub in
            let goal = try await hub.client.goal(id: id)
            #expect(goal["state"] == "queued")
            #expect(goal["reasons"] == ["superseded by the gateway"])
            #expect(goal["retries"] == 1)
            #expect(try await hub.client.cancelGoal(id: id)["state"] == "cancelled")
        }
    }

    @Test func badGoalRequestsAreRefusedByCodeAndFieldAndChangeNothing() async throws {
        try await TestHub.run(configure: Self.backlogOnly) { hub in
            let kept = try #require(try await hub.client.addGoal(title: "Keep me", repo: "/srv/a")["id"]?.stringValue)
            for (body, code, field) in [
                (#"{"repo": "/srv/a"}"#, "missing_field", "title"),
                (#"{"title": "x"}"#, "missing_field", "repo"),
                (#"{"title": "", "repo": "/srv/a"}"#, "invalid_field", "title"),
                (#"{"title": "two\nlines", "repo": "/srv/a"}"#, "invalid_field", "title"),
                (#"{"title": 3, "repo": "/srv/a"}"#, "invalid_field", "title"),
                (#"{"title": "x", "repo": "/srv/a", "budget_usd": -1}"#, "invalid_field", "budget_usd"),
                (#"{"title": "x", "repo": "/srv/a", "budget_usd": "lots"}"#, "invalid_field", "budget_usd"),
                (#"{"title": "x", "repo": "/srv/a", "priority": 101}"#, "invalid_field", "priority"),
                (#"{"title": "x", "repo": "/srv/a", "priority": 1.5}"#, "invalid_field", "priority"),
                (#"{"title": "x", "repo": "/srv/a", "approve_plan": "yes"}"#, "invalid_field", "approve_plan"),
                (#"{"title": "x", "repo": "/srv/a", "verify": "make test"}"#, "invalid_field", "verify"),
                (#"{"title": "x", "repo": "/srv/a", "verify": ["make\ntest"]}"#, "invalid_field", "verify[0]"),
                (#"{"title": "x", "repo": "/srv/a", "verify": ["make", " "]}"#, "invalid_field", "verify[1]"),
                (#"{"title": "x", "repo": "/srv/a", "verify": ["make", "make"]}"#, "invalid_field", "verify[1]"),
                (#"{"title": "x", "repo": "/srv/a", "verify": [3]}"#, "invalid_field", "verify[0]"),
                (#"{"title": "x", "repo": "/srv/a", "depends_on": []}"#, "unknown_field", "depends_on"),
                (#"["x"]"#, "invalid_field", "body"),
            ] {
                let answer = try await hub.client.answer(.POST, "/api/goals", body: body)
                #expect(answer.status == 400, "\(body): \(answer.body)")
                #expect(answer.body["error"]?["code"] == .string(code), "\(body): \(answer.body)")
                #expect(answer.body["error"]?["field"] == .string(field), "\(body): \(answer.body)")
            }
            for (method, path) in [(HTTPMethodName.get, "/api/goals/g_0000000000000000"), (.post, "/api/goals/g_nope/cancel"), (.post, "/api/goals/g_nope/retry")] {
                let answer = try await hub.client.answer(method.nio, path)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.body["error"]?["code"] == "goal_not_found")
                #expect(answer.body["error"]?["field"] == "id")
            }
            for (query, field) in [("state=dreaming", "state"), ("limit=0", "limit"), ("limit=501", "limit"), ("colour=red", "colour")] {
                let answer = try await hub.client.answer(.GET, "/api/goals?\(query)")
                #expect(answer.status == 400, "\(query)")
                #expect(answer.body["error"]?["field"] == .string(field), "\(query): \(answer.body)")
            }
            let badReason = try await hub.client.answer(.POST, "/api/goals/\(kept)/cancel", body: #"{"reason": 5}"#)
            #expect(badReason.status == 400)
            #expect(badReason.body["error"]?["field"] == "reason")

            // A viewer reads goals but may not add or cancel one.
            let viewer = try await hub.client.createToken(name: "v", scope: "viewer")
            let reader = HubClient(baseURL: hub.client.baseURL, token: try #require(viewer["token"]?.stringValue))
            #expect(try await reader.answer(.GET, "/api/goals").status == 200)
            #expect(try await reader.answer(.POST, "/api/goals", body: #"{"title": "x", "repo": "/srv/a"}"#).status == 403)
            #expect(try await reader.answer(.POST, "/api/goals/\(kept)/cancel").status == 403)

            // Nothing changed: the one goal, still queued.
            let goals = try await hub.client.goals()["goals"]?.arrayValue ?? []
            #expect(goals.map { $0["id"] } == [.string(kept)])
            #expect(goals.first?["state"] == "queued")
        }
    }
}

/// The two methods the refusal table uses, spelt once.
private enum HTTPMethodName {
    case get, post
    var nio: NIOHTTP1.HTTPMethod { self == .get ? .GET : .POST }
}
