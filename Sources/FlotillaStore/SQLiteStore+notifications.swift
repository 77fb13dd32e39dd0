public import FlotillaCore
import GRDB

/// Notification deliveries (docs/notifications.md): one row per (subscription, event), written
/// before the first attempt, unique on its dedupe key; and the cursor of the event log the
/// notification service has read. Rows stay when retention deletes their event: each holds
/// the event's JSON.
extension SQLiteStore {
    static func addNotifications(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE notification_deliveries (
              id TEXT PRIMARY KEY NOT NULL,
              dedupe_key TEXT NOT NULL UNIQUE,
              subscription TEXT NOT NULL,
              target TEXT NOT NULL,
              kind TEXT NOT NULL,
              event_seq INTEGER NOT NULL,
              event_type TEXT NOT NULL,
              subject TEXT NOT NULL,
              status TEXT NOT NULL,
              attempts INTEGER NOT NULL,
              last_error TEXT,
              next_attempt_at REAL,
              created_at REAL NOT NULL,
              delivered_at REAL,
              event TEXT NOT NULL
            );
            CREATE INDEX notification_deliveries_by_status ON notification_deliveries(status, created_at);
            CREATE INDEX notification_deliveries_by_time ON notification_deliveries(created_at);
            CREATE TABLE notification_cursor (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              seq INTEGER NOT NULL
            );
            """)
    }

    public func notificationDeliveries(_ query: NotificationQuery) async throws -> [NotificationDelivery] {
        try await pool.read { db in
            var sql = "SELECT * FROM notification_deliveries"
            var arguments: StatementArguments = []
            if let status = query.status {
                sql += " WHERE status = ?"
                arguments += [status.rawValue]
            }
            sql += " ORDER BY created_at DESC, event_seq DESC, id LIMIT ?"
            arguments += [min(max(query.limit, 1), 500)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap(Self.delivery)
        }
    }

    public func existingNotificationKeys(_ keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await pool.read { db in
            var found = Set<String>()
            for chunk in stride(from: 0, to: keys.count, by: 500) {
                let slice = Array(keys[chunk..<min(keys.count, chunk + 500)])
                let marks = slice.map { _ in "?" }.joined(separator: ",")
                let rows = try String.fetchAll(db, sql: "SELECT dedupe_key FROM notification_deliveries WHERE dedupe_key IN (\(marks))", arguments: StatementArguments(slice))
                found.formUnion(rows)
            }
            return found
        }
    }

    public func notificationResume(since: Double) async throws -> NotificationResume {
        try await pool.read { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT seq FROM notification_cursor WHERE id = 1")
            let pending = try Row.fetchAll(db, sql: "SELECT * FROM notification_deliveries WHERE status = 'pending' ORDER BY event_seq, id")
                .compactMap(Self.delivery)
            let recent = try Row.fetchAll(db, sql: "SELECT * FROM notification_deliveries WHERE created_at >= ? AND status != 'suppressed'", arguments: [since])
                .compactMap(Self.delivery)
            return NotificationResume(cursor: cursor, pending: pending, recent: recent)
        }
    }

    static func delivery(_ row: Row) -> NotificationDelivery? {
        guard let kind = NotificationTarget.Kind(rawValue: row["kind"]), let status = NotificationDelivery.Status(rawValue: row["status"]) else { return nil }
        let eventText: String = row["event"]
        return NotificationDelivery(
            id: row["id"], dedupeKey: row["dedupe_key"], subscription: row["subscription"], target: row["target"], kind: kind,
            eventSeq: row["event_seq"], eventType: row["event_type"], subject: row["subject"], status: status,
            attempts: row["attempts"], lastError: row["last_error"], nextAttemptAt: row["next_attempt_at"],
            createdAt: row["created_at"], deliveredAt: row["delivered_at"],
            event: (try? JSONValue.parse(eventText)) ?? .null
        )
    }
}

extension SQLiteWriter {
    /// Upserts by id (the same dedupe key gives the same id, so the key's UNIQUE can never
    /// fail a batch); a delivery's later states replace its earlier ones.
    func saveNotifications(_ writes: [StoreWrite]) throws {
        for write in writes {
            switch write {
            case .saveNotificationDelivery(let delivery):
                try db.execute(sql: """
                    INSERT INTO notification_deliveries (id, dedupe_key, subscription, target, kind, event_seq, event_type, subject,
                      status, attempts, last_error, next_attempt_at, created_at, delivered_at, event)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                    ON CONFLICT(id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                      last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at, delivered_at = excluded.delivered_at
                    """, arguments: [
                        delivery.id, delivery.dedupeKey, delivery.subscription, delivery.target, delivery.kind.rawValue,
                        delivery.eventSeq, delivery.eventType, delivery.subject, delivery.status.rawValue, delivery.attempts,
                        delivery.lastError, delivery.nextAttemptAt, delivery.createdAt, delivery.deliveredAt, delivery.event.jsonString,
                    ])
            case .saveNotificationCursor(let seq):
                try db.execute(sql: "INSERT INTO notification_cursor (id, seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET seq = max(seq, excluded.seq)", arguments: [seq])
            default:
                continue
            }
        }
    }
}
