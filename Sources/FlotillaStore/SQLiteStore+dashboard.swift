public import FlotillaCore
import GRDB

/// The reads behind the dashboard's views: an agent's attempts and the dependency graph.
extension SQLiteStore {
    public func attempts(agentID: String, limit: Int) async throws -> [AgentAttempt] {
        // attempts_by_agent serves the order; the join finds each attempt's task by its key.
        let sql = """
            SELECT a.*, t.type AS task_type, t.role AS task_role FROM attempts a
            LEFT JOIN tasks t ON t.id = a.task_id
            WHERE a.agent_id = ? ORDER BY a.started_at DESC, a.task_id DESC LIMIT ?
            """
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [agentID, max(1, limit)]).map { row in
                AgentAttempt(record: try SQLiteRows.attempt(row), type: row["task_type"] ?? "", role: row["task_role"] ?? "")
            }
        }
    }

    public func graph(_ query: GraphQuery) async throws -> TaskGraph? {
        let limit = max(1, query.limit)
        return try await pool.read { db -> TaskGraph? in
            var ids: [String]
            var edges: [TaskGraph.Edge]
            var truncated: Bool
            if let start = query.taskID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM tasks WHERE id = ?", arguments: [start]) != nil else { return nil }
                (ids, edges, truncated) = try TaskGraph.component(of: start, limit: limit) { layer in
                    try Self.edges(touching: layer, in: db)
                }
            } else {
                // The newest tasks on either end of an edge, walking tasks_by_created backwards
                // with two index probes each; one row past the limit tells whether there is more.
                let newest = try String.fetchAll(db, sql: """
                    SELECT id FROM tasks t
                    WHERE EXISTS (SELECT 1 FROM dependencies d WHERE d.task_id = t.id)
                       OR EXISTS (SELECT 1 FROM dependencies d WHERE d.dependency_id = t.id)
                    ORDER BY created_at DESC, id DESC LIMIT ?
                    """, arguments: [limit + 1])
                truncated = newest.count > limit
                ids = Array(newest.prefix(limit))
                edges = try Self.edges(touching: ids, in: db)
                // Their neighbours come along (older ones too), up to the limit.
                var known = Set(ids)
                for edge in edges {
                    for id in [edge.from, edge.to] where !known.contains(id) {
                        if ids.count >= limit { truncated = true; continue }
                        known.insert(id)
                        ids.append(id)
                    }
                }
            }
            return TaskGraph(nodes: try Self.graphNodes(ids, in: db), edges: edges, truncated: truncated)
        }
    }

    /// Edges with either end among `ids`.
    private static func edges(touching ids: [String], in db: Database) throws -> [TaskGraph.Edge] {
        var edges: [TaskGraph.Edge] = []
        for chunk in stride(from: 0, to: ids.count, by: 400) {
            let slice = Array(ids[chunk..<min(ids.count, chunk + 400)])
            let marks = slice.map { _ in "?" }.joined(separator: ",")
            let sql = """
                SELECT task_id, dependency_id FROM dependencies WHERE task_id IN (\(marks))
                UNION SELECT task_id, dependency_id FROM dependencies WHERE dependency_id IN (\(marks))
                """
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice + slice)) {
                edges.append(TaskGraph.Edge(from: row["dependency_id"], to: row["task_id"]))
            }
        }
        return edges
    }

    /// The stored tasks among `ids` as nodes (ids no longer stored are absent).
    private static func graphNodes(_ ids: [String], in db: Database) throws -> [TaskGraph.Node] {
        var nodes: [TaskGraph.Node] = []
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[chunk..<min(ids.count, chunk + 500)])
            let sql = """
                SELECT id, state, type, role, json_extract(spec, '$.prompt') AS prompt FROM tasks
                WHERE id IN (\(slice.map { _ in "?" }.joined(separator: ",")))
                """
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
                let prompt: String? = row["prompt"]
                nodes.append(TaskGraph.Node(id: row["id"], state: TaskState(rawValue: row["state"]) ?? .queued, type: row["type"], role: row["role"], prompt: prompt))
            }
        }
        return nodes
    }
}
