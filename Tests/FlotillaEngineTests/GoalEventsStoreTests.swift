import FlotillaCore
import Foundation
import GRDB
import Testing

@testable import FlotillaStore

/// One goal's events from the store (`GET /api/events?goal=`): read through the partial index
/// `events_by_goal`, for events written now and for those stored before migration
/// v13-event-goal-index alike.
@Suite struct GoalEventsStoreTests {
    static let a = "g_00000000000000aa", b = "g_00000000000000bb"

    @Test func aGoalsEventsComeFromTheIndexWhetherStoredBeforeTheMigrationOrAfter() async throws {
        let directory = NSTemporaryDirectory() + "flotilla-goal-events-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/flotilla.sqlite"
        // The database as the previous version left it: schema v12, events of two goals, a task's
        // event, and events whose goal_id is not a string (never a goal's).
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v12-ledger-goal-index")
            let rows: [(Int64, String, String)] = [
                (1, "goal.state_changed", #"{"goal_id":"\#(Self.a)","from":null,"to":"queued"}"#),
                (2, "task.queued", #"{"state":"queued"}"#),
                (3, "goal.state_changed", #"{"goal_id":"\#(Self.b)","from":null,"to":"queued"}"#),
                (4, "goal.step_merged", #"{"goal_id":"\#(Self.a)","step":"s","commit":"c"}"#),
                (5, "custom.thing", #"{"goal_id":42}"#),
                (6, "custom.other", #"{"goal_id":{"nested":"g_00000000000000aa"}}"#),
            ]
            try await queue.write { db in
                for (seq, type, data) in rows {
                    try db.execute(sql: "INSERT INTO events (seq, type, ts, data) VALUES (?, ?, ?, ?)", arguments: [seq, type, Double(seq), data])
                }
            }
        }
        let store = try SQLiteStore(configuration: .init(path: path))
        #expect(try await store.events(after: 0, limit: 100, goal: Self.a).map(\.seq) == [1, 4])
        #expect(try await store.events(after: 0, limit: 100, goal: Self.b).map(\.seq) == [3])

        // Written now: the column is filled from data.goal_id as the event is stored.
        try await store.commit([
            .appendEvent(EventRecord(seq: 7, type: "goal.state_changed", ts: 7, data: ["goal_id": .string(Self.a), "from": "queued", "to": "planning"])),
            .appendEvent(EventRecord(seq: 8, type: "task.queued", ts: 8, taskID: "t1", data: ["state": "queued"])),
            .appendEvent(EventRecord(seq: 9, type: "goal.workspace_removed", ts: 9, data: ["goal_id": .string(Self.b), "reason": "done"])),
        ])
        #expect(try await store.events(after: 0, limit: 100, goal: Self.a).map(\.seq) == [1, 4, 7])
        #expect(try await store.events(after: 4, limit: 100, goal: Self.a).map(\.seq) == [7], "after a sequence number")
        #expect(try await store.events(after: 0, limit: 1, goal: Self.a).map(\.seq) == [1], "a page")
        #expect(try await store.events(after: 0, limit: 100, goal: Self.b).map(\.type) == ["goal.state_changed", "goal.workspace_removed"])
        #expect(try await store.events(after: 0, limit: 100, goal: "g_00000000000000cc").isEmpty)
        // The whole log is unchanged.
        #expect(try await store.events(after: 0, limit: 100).map(\.seq) == Array(1...9))

        // SQLite reads the goal's rows through its index, not the log.
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.goalEventsSQL, arguments: [Self.a, 0, 100]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("events_by_goal") }, "\(plan)")
        #expect(!plan.contains { $0.contains("SCAN events") }, "\(plan)")
    }
}
