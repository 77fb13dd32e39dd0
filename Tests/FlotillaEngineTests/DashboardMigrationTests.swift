import FlotillaCore
import Foundation
import GRDB
import Testing

@testable import FlotillaStore

/// A hub upgraded to this version finds and draws the tasks it stored before: migration v3
/// fills the search column and the dependency edges from the stored specs.
@Suite struct DashboardMigrationTests {
    @Test func tasksStoredBeforeTheDashboardAreSearchableAndInTheGraph() async throws {
        let directory = NSTemporaryDirectory() + "flotilla-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/flotilla.sqlite"
        // The database as the previous version left it: schema v2, two tasks, one depending on
        // the other, one prompt with non-ASCII capitals (SQLite's lower() would miss them).
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v2-token-agent-id")
            let first = try TaskSpec(json: ["type": "code.generate", "role": "general", "prompt": "Réparer «ÄRGER» first"])
            let second = try TaskSpec(json: ["type": "code.generate", "role": "general", "prompt": "then this", "depends_on": ["old-1"]])
            try await queue.write { db in
                for (id, spec, created) in [("old-1", first, 1.0), ("old-2", second, 2.0)] {
                    try db.execute(sql: """
                        INSERT INTO tasks (id, type, role, priority, state, spec, attempt, attempt_base, created_at, updated_at)
                        VALUES (?, 'code.generate', 'general', 2, 'succeeded', ?, 1, 0, ?, ?)
                        """, arguments: [id, String(decoding: spec.jsonBytes, as: UTF8.self), created, created])
                }
            }
        }
        let store = try SQLiteStore(configuration: .init(path: path))
        #expect(try await store.tasks(TaskQuery(text: "ärger")).map(\.id) == ["old-1"])
        #expect(try await store.tasks(TaskQuery(text: "THEN")).map(\.id) == ["old-2"])
        let graph = try #require(try await store.graph(GraphQuery(taskID: "old-2")))
        #expect(graph.nodes.map(\.id) == ["old-1", "old-2"])
        #expect(graph.edges == [TaskGraph.Edge(from: "old-1", to: "old-2")])
        #expect(graph.nodes.first?.title == "Réparer «ÄRGER» first")
    }
}
