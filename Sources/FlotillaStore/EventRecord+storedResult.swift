import FlotillaCore
import GRDB

/// A task's result is stored once, in its task row. The `task.succeeded` event carries the
/// result live (SSE, MQTT, `/ws` monitors), but its stored row leaves it out; reading events
/// back joins it in again from the task, so a replay says the same as the live event did.
extension EventRecord {
    /// Whether this event's result lives in its task's row instead of its own.
    var resultLivesInTask: Bool { type == EventKind.taskSucceeded.rawValue && taskID != nil && details["result"] != nil }

    /// The event as stored: without the result its task row already holds.
    var stored: EventRecord {
        guard resultLivesInTask else { return self }
        var copy = self
        copy.details.removeValue(forKey: "result")
        return copy
    }
}

extension SQLiteStore {
    /// Events with the results of `task.succeeded` joined in from their tasks.
    static let eventsSQL = """
        SELECT events.*, CASE WHEN events.type = 'task.succeeded' THEN tasks.result END AS task_result
        FROM events LEFT JOIN tasks ON tasks.id = events.task_id
        WHERE events.seq > ? ORDER BY events.seq LIMIT ?
        """
}

extension SQLiteRows {
    /// An event row read with ``SQLiteStore/eventsSQL``: the task's result goes back into
    /// `data` (rows written before results were stored once still hold their own).
    static func eventWithResult(_ row: Row) throws -> EventRecord {
        var event = try event(row)
        if let text: String = row["task_result"], event.details["result"] == nil, let result = try? JSONValue.parse(text) {
            event.details["result"] = result
        }
        return event
    }
}
