public import FlotillaCore
import GRDB

extension Store {
    /// Stores without retention keep everything.
    public func prune(_ cutoffs: RetentionCutoffs, batch: Int) async throws -> PruneCount { PruneCount() }
}

extension SQLiteStore {
    /// Deletes up to `batch` finished tasks (with their attempts) and `batch` events older than
    /// `cutoffs.rows`, and offline agents last seen before it; ended notification deliveries,
    /// finished workflow runs, decided approvals, final goals and finished findings the same way
    /// (``RecordRetention``). Rows are found in a read (which does not hold the writer) and
    /// deleted by key in one short write, so queued commits wait only for that. The newest event
    /// always stays: its `seq` is where numbering resumes after a restart, so event ids never
    /// repeat. The cost ledger (`attempt_usage`) always stays: it is the money record.
    public func prune(_ cutoffs: RetentionCutoffs, batch: Int) async throws -> PruneCount {
        let limit = max(1, batch)
        let cutoff = cutoffs.rows
        let records = RecordRetention(cutoffs: cutoffs, limit: limit)
        let (taskIDs, events, found) = try await pool.read { db -> ([String], (first: Int64, last: Int64)?, RecordRetention.Candidates) in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM tasks WHERE state IN ('succeeded','dead','cancelled','expired')
                AND coalesce(finished_at, updated_at) < ? LIMIT ?
                """, arguments: [cutoff, limit])
            let seqs = try Int64.fetchAll(db, sql: """
                SELECT seq FROM events WHERE ts < ? AND seq < (SELECT max(seq) FROM events) ORDER BY seq LIMIT ?
                """, arguments: [cutoff, limit])
            return (ids, seqs.first.map { ($0, seqs.last!) }, try records.candidates(db))
        }
        return try await pool.write { db in
            var count = PruneCount()
            if !taskIDs.isEmpty {
                let marks = taskIDs.map { _ in "?" }.joined(separator: ",")
                let arguments = StatementArguments(taskIDs)
                try db.execute(sql: "DELETE FROM attempts WHERE task_id IN (\(marks))", arguments: arguments)
                // Re-checked: a finished task that was retried meanwhile is in flight again.
                try db.execute(sql: "DELETE FROM tasks WHERE id IN (\(marks)) AND state IN ('succeeded','dead','cancelled','expired')", arguments: arguments)
                count.tasks = db.changesCount
                // The ones really deleted: a task retried meanwhile keeps its output too.
                let kept = Set(try String.fetchAll(db, sql: "SELECT id FROM tasks WHERE id IN (\(marks))", arguments: arguments))
                count.taskIDs = taskIDs.filter { !kept.contains($0) }
                // The edges of the tasks that went (a spec's depends_on; see the migration v3).
                if !count.taskIDs.isEmpty {
                    let deleted = count.taskIDs.map { _ in "?" }.joined(separator: ",")
                    try db.execute(sql: "DELETE FROM dependencies WHERE task_id IN (\(deleted))", arguments: StatementArguments(count.taskIDs))
                }
            }
            if let events {
                try db.execute(sql: "DELETE FROM events WHERE seq BETWEEN ? AND ? AND ts < ?", arguments: [events.first, events.last, cutoff])
                count.events = db.changesCount
            }
            try db.execute(sql: "DELETE FROM agents WHERE state = 'offline' AND last_seen < ?", arguments: [cutoff])
            count.agents = db.changesCount
            // Notification deliveries that ended (a pending one is still due).
            try db.execute(sql: """
                DELETE FROM notification_deliveries WHERE id IN
                  (SELECT id FROM notification_deliveries WHERE status != 'pending' AND created_at < ? LIMIT ?)
                """, arguments: [cutoff, limit])
            count.deliveries = db.changesCount
            try records.delete(found, db: db, into: &count)
            return count
        }
    }
}
