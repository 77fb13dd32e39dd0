import FlotillaCore
import GRDB

/// The task list's query (`GET /api/tasks`): newest first, filtered, a page at a time.
extension SQLiteStore {
    /// Every filter has an index that also holds the order (tasks_by_state, _role, _type,
    /// _agent, all ending in created_at, id; tasks_by_created without a filter), so a page
    /// reads about `limit` rows however many tasks are stored. A search (`q`) walks one of
    /// them newest first and stops after `limit` matches.
    static func taskListSQL(_ query: TaskQuery) -> (sql: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let role = query.role { clauses.append("role = ?"); arguments.append(role) }
        if let type = query.type { clauses.append("type = ?"); arguments.append(type) }
        if let agent = query.agentID { clauses.append("agent_id = ?"); arguments.append(agent) }
        if let text = query.text {
            // The lowercased prompt column (migration v3) holds the words as written, not the
            // spec's escaped JSON. instr() takes the text literally: `%` and `_` in a search
            // are plain characters, with no LIKE pattern to escape.
            clauses.append("(id = ? OR instr(prompt_search, ?) > 0)")
            arguments.append(text)
            arguments.append(text.lowercased())
        }
        // Newest first by creation, not by id text: client-chosen ids ("build-1") do not sort by
        // time. The cursor is the last id shown; the page goes on after its (created_at, id).
        if let before = query.before {
            clauses.append("(created_at, id) < (SELECT created_at, id FROM tasks WHERE id = ?)")
            arguments.append(before)
        }
        let order = "ORDER BY created_at DESC, id DESC LIMIT \(max(1, query.limit))"
        func select(_ clauses: [String]) -> String {
            "SELECT * FROM tasks \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")) \(order)"
        }
        switch query.states.count {
        case 0:
            return (select(clauses), StatementArguments(arguments) ?? StatementArguments())
        case 1:
            return (select(["state = ?"] + clauses), StatementArguments([query.states[0].rawValue] + arguments) ?? StatementArguments())
        default:
            // `state IN (…)` would read every row of those states and sort them: tasks_by_state
            // holds the order within one state only. One ordered page per state, merged, reads
            // at most `limit` rows of each.
            let pages = query.states.map { _ in "SELECT * FROM (\(select(["state = ?"] + clauses)))" }
            var all: [any DatabaseValueConvertible] = []
            for state in query.states { all.append(state.rawValue); all.append(contentsOf: arguments) }
            return (pages.joined(separator: " UNION ALL ") + " " + order, StatementArguments(all) ?? StatementArguments())
        }
    }

    /// SQLite's plan for the task list's query (`EXPLAIN QUERY PLAN`), one step a line: what
    /// the tests read to hold every filter to an index.
    public func taskListPlan(_ query: TaskQuery) async throws -> [String] {
        let (sql, arguments) = Self.taskListSQL(query)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }
}
