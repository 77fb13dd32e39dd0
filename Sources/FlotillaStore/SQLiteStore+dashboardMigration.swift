import FlotillaCore
import GRDB

extension SQLiteStore {
    /// What the dashboard's queries need with 100,000 tasks stored (docs/store.md):
    /// - `tasks.prompt_search`: the prompt lowercased by Swift (Unicode-aware), so that `q`
    ///   searches the text the user wrote rather than the spec's escaped JSON;
    /// - `dependencies`: one row per `depends_on` edge, both directions indexed, for the graph;
    /// - indexes that serve the task list's order (newest first) alone and under each filter,
    ///   and an agent's attempts newest first.
    static func addDashboardQueries(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE tasks ADD COLUMN prompt_search TEXT;
            CREATE TABLE dependencies (
              task_id TEXT NOT NULL,
              dependency_id TEXT NOT NULL,
              PRIMARY KEY (task_id, dependency_id)
            ) WITHOUT ROWID;
            CREATE INDEX dependencies_by_dependency ON dependencies(dependency_id, task_id);
            CREATE INDEX tasks_by_created ON tasks(created_at, id);
            DROP INDEX tasks_by_state;
            CREATE INDEX tasks_by_state ON tasks(state, created_at, id);
            CREATE INDEX tasks_by_role ON tasks(role, created_at, id);
            CREATE INDEX tasks_by_type ON tasks(type, created_at, id);
            CREATE INDEX tasks_by_agent ON tasks(agent_id, created_at, id) WHERE agent_id IS NOT NULL;
            CREATE INDEX attempts_by_agent ON attempts(agent_id, started_at);
            """)
        // Tasks stored before: their search text and edges come from their specs, decoded by
        // the same code that wrote them (SQLite's lower() folds ASCII only).
        // In pages by id, so no statement writes the table while another still reads it.
        let update = try db.makeStatement(sql: "UPDATE tasks SET prompt_search = ? WHERE id = ?")
        let edge = try db.makeStatement(sql: "INSERT OR IGNORE INTO dependencies (task_id, dependency_id) VALUES (?, ?)")
        var after = ""
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT id, spec FROM tasks WHERE id > ? ORDER BY id LIMIT 1000", arguments: [after])
            guard let last = rows.last else { break }
            after = last["id"]
            for row in rows {
                let id: String = row["id"]
                guard let spec = try? TaskSpec(json: JSONValue.parse(row["spec"] as String)) else { continue }
                if let search = spec.promptSearchText { try update.execute(arguments: [search, id]) }
                for dependency in spec.dependsOn { try edge.execute(arguments: [id, dependency]) }
            }
        }
    }
}

extension TaskSpec {
    /// The prompt as `GET /api/tasks?q=` searches it: lowercased (Unicode-aware). Nil without one.
    var promptSearchText: String? {
        guard let prompt, !prompt.isEmpty else { return nil }
        return prompt.lowercased()
    }
}
