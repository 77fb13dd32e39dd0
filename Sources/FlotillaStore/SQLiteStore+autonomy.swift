public import FlotillaCore
import GRDB

/// The hub's own initiative (migration `v11-autonomy`, docs/goals.md): one row per finding's
/// fingerprint, so a rejected finding stays rejected across restarts. Written through the
/// engine's group commit (``StoreWrite/saveAutonomyFinding(_:)``) with its events.
extension SQLiteStore {
    static func addAutonomyFindings(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE autonomy_findings (
              fingerprint TEXT PRIMARY KEY NOT NULL,
              repo TEXT NOT NULL,
              kind TEXT NOT NULL,
              summary TEXT NOT NULL,
              status TEXT NOT NULL,
              goal_id TEXT,
              approval_id TEXT,
              first_seen REAL NOT NULL,
              last_seen REAL NOT NULL,
              decided_at REAL
            ) WITHOUT ROWID;
            CREATE INDEX autonomy_findings_by_seen ON autonomy_findings(last_seen);
            """)
    }

    public func autonomyFindings(limit: Int) async throws -> [AutonomyFindingRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM autonomy_findings ORDER BY last_seen DESC, fingerprint LIMIT ?", arguments: [max(1, limit)]).compactMap { row in
                let kindText: String = row["kind"]
                let statusText: String = row["status"]
                guard let kind = AutonomyFinding.Kind(rawValue: kindText), let status = AutonomyFindingRecord.Status(rawValue: statusText) else { return nil }
                return AutonomyFindingRecord(
                    fingerprint: row["fingerprint"], repo: row["repo"], kind: kind, summary: row["summary"], status: status,
                    goalID: row["goal_id"], approvalID: row["approval_id"], firstSeen: row["first_seen"], lastSeen: row["last_seen"],
                    decidedAt: row["decided_at"]
                )
            }
        }
    }
}

extension SQLiteWriter {
    static let saveAutonomyFindingSQL = """
        INSERT OR REPLACE INTO autonomy_findings (fingerprint, repo, kind, summary, status, goal_id, approval_id, first_seen, last_seen, decided_at)
        VALUES (?,?,?,?,?,?,?,?,?,?)
        """

    func save(_ finding: AutonomyFindingRecord) throws {
        var row = RowWriter(try db.cachedStatement(sql: Self.saveAutonomyFindingSQL))
        row.bind(finding.fingerprint)
        row.bind(finding.repo)
        row.bind(finding.kind.rawValue)
        row.bind(finding.summary)
        row.bind(finding.status.rawValue)
        row.bind(finding.goalID)
        row.bind(finding.approvalID)
        row.bind(finding.firstSeen)
        row.bind(finding.lastSeen)
        row.bind(finding.decidedAt)
        try row.run(in: db)
    }
}
