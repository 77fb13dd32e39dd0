public import FlotillaCore
import GRDB

/// A goal's events: those whose `data` names it (`goal_id`: goal.state_changed,
/// goal.step_merged, goal.fix_requested, goal.reviewed, goal.workspace_removed, an autonomy
/// decision about it). The goal is copied into the `goal_id` column when the event is written
/// (NULL for every other event, which the partial index leaves out), so `GET
/// /api/events?goal=` reads one goal's events without replaying everyone's.
extension SQLiteStore {
    /// v13-event-goal-index: the column, filled in for the events stored before it, and its
    /// partial index (events without a goal write nothing more).
    static func addEventGoalIndex(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE events ADD COLUMN goal_id TEXT;
            UPDATE events SET goal_id = json_extract(data, '$.goal_id')
              WHERE json_valid(data) AND json_type(data, '$.goal_id') = 'text';
            CREATE INDEX events_by_goal ON events(goal_id, seq) WHERE goal_id IS NOT NULL;
            """)
    }

    static let goalEventsSQL = """
        SELECT events.*, CASE WHEN events.type = 'task.succeeded' THEN tasks.result END AS task_result
        FROM events LEFT JOIN tasks ON tasks.id = events.task_id
        WHERE events.goal_id = ? AND events.seq > ? ORDER BY events.seq LIMIT ?
        """

    public func events(after seq: Int64, limit: Int, goal: String) async throws -> [EventRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.goalEventsSQL, arguments: [goal, seq, limit]).map(SQLiteRows.eventWithResult)
        }
    }
}

extension EventRecord {
    /// The goal the event is about (`data.goal_id`), stored in its own column.
    var goalID: String? { details["goal_id"]?.stringValue }
}
