public import FlotillaCore
import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode, via GRDB.
///
/// `synchronous=NORMAL` in WAL mode means a committed transaction survives the hub being killed
/// (`kill -9`): the WAL is written before commit returns; only an OS crash or power loss can
/// lose the last transactions. Set ``Configuration/synchronousFull`` to fsync every commit.
public final class SQLiteStore: SynchronousStore {
    /// Configuration of the SQLite store.
    public struct Configuration: Sendable {
        /// Path of the database file.
        public var path: String
        /// fsync on every commit (survives power loss; slower). Default false.
        public var synchronousFull: Bool
        /// Seconds between background checkpoints (copies of the write-ahead log into the
        /// database file). Default 1.
        public var checkpointInterval: Double
        /// Row writes after which a checkpoint runs without waiting for the interval. Default 20,000.
        public var writesBeforeCheckpoint: Int

        public init(path: String, synchronousFull: Bool = false, checkpointInterval: Double = 1, writesBeforeCheckpoint: Int = 20_000) {
            self.path = path
            self.synchronousFull = synchronousFull
            self.checkpointInterval = checkpointInterval
            self.writesBeforeCheckpoint = writesBeforeCheckpoint
        }
    }

    let pool: DatabasePool
    /// Path of the database file.
    let path: String
    private let checkpointer: WALCheckpointer

    public init(configuration: Configuration) throws {
        var config = GRDB.Configuration()
        // Set when the connection opens, before any statement: a hub starting on a data
        // directory another one is still closing waits for its lock instead of failing.
        config.busyMode = .timeout(5)
        let full = configuration.synchronousFull
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(full ? "FULL" : "NORMAL")")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
        }
        config.maximumReaderCount = 4
        path = configuration.path
        pool = try DatabasePool(path: configuration.path, configuration: config)
        try Self.migrator.migrate(pool)
        checkpointer = try WALCheckpointer(
            path: configuration.path,
            interval: configuration.checkpointInterval,
            writesBeforeCheckpoint: configuration.writesBeforeCheckpoint
        )
    }

    public func commitSynchronously(_ writes: [StoreWrite]) throws {
        guard !writes.isEmpty else { return }
        // On the caller's thread: GRDB runs a synchronous write there when its writer is free.
        try pool.write { db in
            try SQLiteWriter(db: db).apply(writes)
        }
        checkpointer.committed(writes: writes.count)
    }

    public func commit(_ writes: [StoreWrite]) async throws {
        guard !writes.isEmpty else { return }
        try await pool.write { db in
            try SQLiteWriter(db: db).apply(writes)
        }
        checkpointer.committed(writes: writes.count)
    }

    public func loadSnapshot() async throws -> StoreSnapshot {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE state NOT IN ('succeeded','dead','cancelled','expired')")
            let active = try rows.map(SQLiteRows.task)
            var counts: [TaskState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM tasks GROUP BY state") {
                if let state = TaskState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            let lastSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
            let agents = try Row.fetchAll(db, sql: "SELECT * FROM agents").map(SQLiteRows.agent)
            var outcomes: [String: (completed: Int, failed: Int)] = [:]
            let outcomeSQL = """
                SELECT agent_id, sum(outcome = 'succeeded') AS completed, sum(outcome = 'failed') AS failed
                FROM attempts WHERE outcome IN ('succeeded', 'failed') GROUP BY agent_id
                """
            for row in try Row.fetchAll(db, sql: outcomeSQL) {
                outcomes[row["agent_id"]] = (row["completed"], row["failed"])
            }
            var snapshot = StoreSnapshot(activeTasks: active, stateCounts: counts, lastEventSeq: lastSeq, agents: agents, agentOutcomes: outcomes)
            snapshot.usage = try Self.usageSnapshot(db, activeIDs: active.map(\.id), now: Timestamp.now())
            snapshot.pendingApprovals = try Self.pendingApprovals(db)
            return snapshot
        }
    }

    public func task(id: String) async throws -> TaskRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE id = ?", arguments: [id]).map(SQLiteRows.task)
        }
    }

    public func attempts(taskID: String) async throws -> [AttemptRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE task_id = ? ORDER BY attempt", arguments: [taskID]).map(SQLiteRows.attempt)
        }
    }

    public func tasks(_ query: TaskQuery) async throws -> [TaskRecord] {
        let (sql, arguments) = Self.taskListSQL(query)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteRows.task)
        }
    }

    public func taskStates(ids: [String]) async throws -> [String: TaskState] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var out: [String: TaskState] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[chunk..<min(ids.count, chunk + 500)])
                let sql = "SELECT id, state FROM tasks WHERE id IN (\(slice.map { _ in "?" }.joined(separator: ",")))"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
                    if let state = TaskState(rawValue: row["state"]) { out[row["id"]] = state }
                }
            }
            return out
        }
    }

    public func taskResults(ids: [String]) async throws -> [String: JSONValue] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var out: [String: JSONValue] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[chunk..<min(ids.count, chunk + 500)])
                let sql = "SELECT id, result FROM tasks WHERE id IN (\(slice.map { _ in "?" }.joined(separator: ","))) AND result IS NOT NULL"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
                    if let text: String = row["result"], let result = try? JSONValue.parse(text) { out[row["id"]] = result }
                }
            }
            return out
        }
    }

    public func task(idempotencyKey: String) async throws -> TaskRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE idempotency_key = ? ORDER BY id LIMIT 1", arguments: [idempotencyKey]).map(SQLiteRows.task)
        }
    }

    public func events(after seq: Int64, limit: Int) async throws -> [EventRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.eventsSQL, arguments: [seq, limit]).map(SQLiteRows.eventWithResult)
        }
    }

    public func agents() async throws -> [AgentRecord] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM agents ORDER BY id").map(SQLiteRows.agent) }
    }

    public func insertToken(_ token: TokenRow) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO tokens (id, name, scope, role, agent_id, secret_hash, created_at, revoked_at) VALUES (?,?,?,?,?,?,?,?)",
                arguments: [token.id, token.name, token.scope.rawValue, token.role, token.agentID, token.secretHash, token.createdAt, token.revokedAt]
            )
        }
    }

    public func tokens() async throws -> [TokenRow] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY created_at").map(SQLiteRows.token) }
    }

    public func revokeToken(id: String, at: Double) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [at, id])
            return db.changesCount > 0
        }
    }
}

extension SQLiteStore.Configuration {
    /// The store in a hub's data directory (its layout: ``DataDirectory/databasePath``).
    public init(dataDirectory: String, synchronousFull: Bool = false) {
        self.init(path: DataDirectory(dataDirectory).databasePath, synchronousFull: synchronousFull)
    }
}
