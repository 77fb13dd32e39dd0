import FlotillaCore
import FlotillaStore
import Foundation
import Testing

/// The dashboard's task list stays fast with 100,000 tasks: every filter of `GET /api/tasks`,
/// alone or with a search, reads an index that also holds the order, so SQLite never sorts the
/// whole table (`USE TEMP B-TREE FOR ORDER BY`) nor scans it (`SCAN tasks` without an index);
/// several states merge one ordered page per state.
@Suite struct TaskListPlanTests {
    @Test(arguments: [
        ("default order", TaskQuery(limit: 50)),
        ("next page", TaskQuery(before: "t-10", limit: 50)),
        ("one state", TaskQuery(states: [.queued], limit: 50)),
        ("two states", TaskQuery(states: [.succeeded, .dead], limit: 50)),
        ("two states, next page", TaskQuery(states: [.queued, .running], before: "t-10", limit: 50)),
        ("role", TaskQuery(role: "review", limit: 50)),
        ("type", TaskQuery(type: "code.generate", limit: 50)),
        ("agent", TaskQuery(agentID: "worker-1", limit: 50)),
        ("search", TaskQuery(limit: 50, text: "flaky test")),
        ("search in a state, next page", TaskQuery(states: [.dead], before: "t-10", limit: 50, text: "flaky")),
    ])
    func everyFilterReadsAnOrderedIndex(name: String, query: TaskQuery) async throws {
        let store = try Self.storeWithTasks()
        let plan = try await store.taskListPlan(query)
        let text = plan.joined(separator: " | ")
        // A sort is fine only over one state's page of at most `limit` rows (the merge of
        // several states); never over the table.
        for (index, step) in plan.enumerated() where step.contains("TEMP B-TREE") {
            #expect(index > 0 && plan[index - 1].hasPrefix("SCAN (subquery"), "\(name) sorts more than a page: \(text)")
        }
        #expect(!plan.contains("SCAN tasks"), "\(name) scans the table without an index: \(text)")
        #expect(plan.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") }, "\(name): \(text)")
    }

    /// A few thousand tasks, as the hub stores them (it runs no ANALYZE, so neither does this).
    static func storeWithTasks() throws -> SQLiteStore {
        let directory = NSTemporaryDirectory() + "flotilla-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(configuration: .init(path: directory + "/flotilla.sqlite"))
        var writes: [StoreWrite] = []
        let states: [TaskState] = [.queued, .running, .succeeded, .dead, .failed]
        for index in 0..<3_000 {
            let spec = try TaskSpec(json: [
                "type": .string(index % 3 == 0 ? "code.generate" : "testing.run"),
                "role": .string(index % 2 == 0 ? "review" : "general"),
                "prompt": .string("Task \(index): fix the flaky test"),
            ])
            var record = TaskRecord(id: "t-\(index)", spec: spec, state: states[index % states.count], now: Double(index))
            record.agentID = "worker-\(index % 40)"
            writes.append(.insertTask(record))
        }
        try store.commitSynchronously(writes)
        return store
    }
}
