import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import NIOHTTP1
import Testing

/// `GET /api/events?goal=ID` on a real hub (SQLite, HTTP, SSE, no browser): one goal's events,
/// replayed from the store and then live, never another goal's; combinable with `types` and
/// `since`; a value that is not a goal id is refused before any stream opens.
@Suite struct GoalEventsRouteTests {
    static func backlogOnly(_ configuration: inout HubConfiguration) { configuration.goals.concurrency = 0 }

    /// The goal's events as "from>to" moves, read from a stream until `count` came.
    static func moves(_ client: HubClient, goal: String, since: Int64 = 0, types: [String] = [], count: Int) async throws -> [String] {
        try await withDeadline(10, "\(count) events of \(goal)") {
            var moves: [String] = []
            for try await streamed in client.events(since: since, types: types, goal: goal) {
                #expect(streamed.event.details["goal_id"] == .string(goal), "\(streamed.json.jsonString)")
                moves.append("\(streamed.event.details["from"]?.stringValue ?? "-")>\(streamed.event.details["to"]?.stringValue ?? streamed.type)")
                if moves.count == count { break }
            }
            return moves
        }
    }

    @Test func aGoalsEventsAndNoOtherGoalsReplayedThenLive() async throws {
        try await TestHub.run(configure: Self.backlogOnly) { hub in
            let client = hub.client
            let a = try #require(try await client.addGoal(title: "Goal A", repo: "/srv/a")["id"]?.stringValue)
            let b = try #require(try await client.addGoal(title: "Goal B", repo: "/srv/b")["id"]?.stringValue)
            _ = try await client.cancelGoal(id: b, reason: "not B")
            _ = try await client.cancelGoal(id: a, reason: "not A")
            _ = try await client.retryGoal(id: b)
            _ = try await client.retryGoal(id: a)
            _ = try await client.submit(["type": "testing.run", "role": "nobody"])

            // The replay: A's three changes, in order, with B's (interleaved) and the task's left out.
            #expect(try await Self.moves(client, goal: a, count: 3) == ["->queued", "queued>cancelled", "cancelled>queued"])
            #expect(try await Self.moves(client, goal: b, types: ["goal.state_changed"], count: 3) == ["->queued", "queued>cancelled", "cancelled>queued"])

            // Live: opened from now, B changes first, then A: the stream's first event is A's.
            let before = try await client.stats()["events"]?["last_seq"]?.intValue ?? 0
            let live = try await withDeadline(15, "A's live event") {
                try await withThrowingTaskGroup(of: [String].self) { group in
                    group.addTask { try await Self.moves(client, goal: a, since: before, types: ["goal."], count: 1) }
                    _ = try await client.cancelGoal(id: b, reason: "B again")
                    _ = try await client.addGoal(title: "Goal C", repo: "/srv/c")
                    _ = try await client.cancelGoal(id: a, reason: "A again")
                    defer { group.cancelAll() }
                    return try await group.next() ?? []
                }
            }
            #expect(live == ["queued>cancelled"])
        }
    }

    @Test func badInputIsRefusedWith400AndChangesNothing() async throws {
        try await TestHub.run(configure: Self.backlogOnly) { hub in
            let a = try #require(try await hub.client.addGoal(title: "Goal A", repo: "/srv/a")["id"]?.stringValue)
            let before = try await hub.client.stats()["events"]?["last_seq"]
            for value in ["", "g_", "g_0123", "G_0123456789ABCDEF", "g_0123456789ABCDEF", "g_0123456789abcdeg", "..%2F..%2Fetc", "g_0123456789abcdef0", "%20g_0123456789abcdef", a.uppercased()] {
                let answer = try await hub.client.answer(.GET, "/api/events?since=0&goal=\(value)")
                #expect(answer.status == 400, "\(value): \(answer.body)")
                #expect(answer.body["error"]?["code"] == "invalid_field", "\(value)")
                #expect(answer.body["error"]?["field"] == "goal", "\(value)")
                #expect(answer.body["error"]?["message"]?.stringValue?.contains("goal id") == true, "\(value)")
            }
            #expect(try await hub.client.stats()["events"]?["last_seq"] == before, "nothing was recorded")
            #expect(try await hub.client.goal(id: a)["state"] == "queued")
        }
    }
}
