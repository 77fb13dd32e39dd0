public import FlotillaCore
import GRDB

/// Workflows and their runs (migration `v4-workflows`). Writes come through the engine's group
/// commit (``SQLiteWriter``), so a run's state commits with its events; these are the reads.
extension SQLiteStore {
    static func addWorkflows(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workflows (
              name TEXT PRIMARY KEY NOT NULL,
              source TEXT NOT NULL,
              file TEXT NOT NULL,
              version INTEGER NOT NULL,
              applied_at REAL NOT NULL,
              updated_at REAL NOT NULL
            );
            CREATE TABLE workflow_runs (
              id TEXT PRIMARY KEY NOT NULL,
              workflow TEXT NOT NULL,
              file TEXT NOT NULL,
              source TEXT NOT NULL,
              status TEXT NOT NULL,
              trigger_kind TEXT NOT NULL,
              trigger_key TEXT UNIQUE,
              state TEXT NOT NULL,
              rerun_of TEXT,
              cancel_reason TEXT,
              created_at REAL NOT NULL,
              updated_at REAL NOT NULL,
              ended_at REAL
            );
            CREATE INDEX workflow_runs_by_workflow ON workflow_runs(workflow, created_at);
            CREATE INDEX workflow_runs_by_status ON workflow_runs(status);
            """)
    }

    /// Each step of a run as its own row: a round of a thousand-step run changes a few steps,
    /// and rewriting the whole run's state (~150 KB) at every round was most of what running a
    /// wide DAG as a workflow cost over submitting it by hand. Runs stored before keep their
    /// steps inside `state` until they are saved again (every step is saved once after a
    /// restart), and reads accept both.
    static func addWorkflowRunSteps(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workflow_run_steps (
              run_id TEXT NOT NULL,
              step TEXT NOT NULL,
              state TEXT NOT NULL,
              PRIMARY KEY (run_id, step)
            ) WITHOUT ROWID;
            """)
    }

    public func workflows() async throws -> [WorkflowRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM workflows ORDER BY name").map(Self.workflowRow)
        }
    }

    public func workflow(name: String) async throws -> WorkflowRow? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflows WHERE name = ?", arguments: [name]).map(Self.workflowRow)
        }
    }

    public func workflowRuns(_ query: WorkflowRunQuery) async throws -> [WorkflowRunRow] {
        var conditions: [String] = []
        var arguments: [String] = []
        if let workflow = query.workflow {
            conditions.append("workflow = ?")
            arguments.append(workflow)
        }
        if !query.statuses.isEmpty {
            conditions.append("status IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: query.statuses.map(\.rawValue))
        }
        if let before = query.before {
            // Run ids are time-ordered (IDGenerator), so the id alone is the cursor.
            conditions.append("id < ?")
            arguments.append(before)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT * FROM workflow_runs \(filter) ORDER BY id DESC LIMIT \(max(1, query.limit))"
        let bound = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(bound)).map { try Self.workflowRunRow($0, db: db) }
        }
    }

    public func workflowRun(id: String) async throws -> WorkflowRunRow? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_runs WHERE id = ?", arguments: [id]).map { try Self.workflowRunRow($0, db: db) }
        }
    }

    public func workflowRun(triggerKey: String) async throws -> WorkflowRunRow? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_runs WHERE trigger_key = ?", arguments: [triggerKey]).map { try Self.workflowRunRow($0, db: db) }
        }
    }

    public func activeWorkflowRuns() async throws -> [WorkflowRunRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM workflow_runs WHERE status = 'running' ORDER BY id").map { try Self.workflowRunRow($0, db: db) }
        }
    }

    public func latestTriggerKey(workflow: String, prefix: String) async throws -> String? {
        try await pool.read { db in
            // The prefix is compared as text (substr), not with LIKE: keys may hold `%` and `_`.
            try String.fetchOne(db, sql: """
                SELECT trigger_key FROM workflow_runs
                WHERE workflow = ? AND trigger_key IS NOT NULL AND substr(trigger_key, 1, ?) = ?
                ORDER BY created_at DESC, id DESC LIMIT 1
                """, arguments: [workflow, prefix.unicodeScalars.count, prefix])
        }
    }

    public func workflowRunCounts() async throws -> [String: [WorkflowRunStatus: Int]] {
        try await pool.read { db in
            var out: [String: [WorkflowRunStatus: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT workflow, status, count(*) AS n FROM workflow_runs GROUP BY workflow, status") {
                guard let status = WorkflowRunStatus(rawValue: row["status"]) else { continue }
                out[row["workflow"], default: [:]][status] = row["n"]
            }
            return out
        }
    }

    static func workflowRow(_ row: Row) -> WorkflowRow {
        WorkflowRow(name: row["name"], source: row["source"], file: row["file"], version: row["version"], appliedAt: row["applied_at"], updatedAt: row["updated_at"])
    }

    /// The run with its steps joined into `state` (``WorkflowRunRow/state``).
    static func workflowRunRow(_ row: Row, db: Database) throws -> WorkflowRunRow {
        let id: String = row["id"]
        var state: String = row["state"]
        let steps = try Row.fetchAll(db, sql: "SELECT step, state FROM workflow_run_steps WHERE run_id = ?", arguments: [id])
        if !steps.isEmpty, state.hasSuffix("}") {
            var joined = String(state.dropLast()) + ",\"steps\":{"
            for (position, step) in steps.enumerated() {
                if position > 0 { joined += "," }
                joined += JSONValue.string(step["step"]).jsonString + ":" + (step["state"] as String)
            }
            state = joined + "}}"
        }
        return WorkflowRunRow(
            id: id, workflow: row["workflow"], file: row["file"], source: row["source"], status: row["status"],
            triggerKind: row["trigger_kind"], triggerKey: row["trigger_key"], state: state, rerunOf: row["rerun_of"],
            cancelReason: row["cancel_reason"], createdAt: row["created_at"], updatedAt: row["updated_at"], endedAt: row["ended_at"]
        )
    }
}

extension SQLiteWriter {
    static let saveWorkflowSQL = """
        INSERT INTO workflows (name, source, file, version, applied_at, updated_at) VALUES (?,?,?,?,?,?)
        ON CONFLICT(name) DO UPDATE SET source = excluded.source, file = excluded.file, version = excluded.version,
          applied_at = excluded.applied_at, updated_at = excluded.updated_at
        """

    func save(_ workflow: WorkflowRow) throws {
        var row = RowWriter(try db.cachedStatement(sql: Self.saveWorkflowSQL))
        row.bind(workflow.name)
        row.bind(workflow.source)
        row.bind(workflow.file)
        row.bind(workflow.version)
        row.bind(workflow.appliedAt)
        row.bind(workflow.updatedAt)
        try row.run(in: db)
    }

    func deleteWorkflow(name: String) throws {
        var row = RowWriter(try db.cachedStatement(sql: "DELETE FROM workflows WHERE name = ?"))
        row.bind(name)
        try row.run(in: db)
    }

    static let saveWorkflowRunSQL = """
        INSERT INTO workflow_runs (id, workflow, file, source, status, trigger_kind, trigger_key, state, rerun_of,
          cancel_reason, created_at, updated_at, ended_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
        ON CONFLICT(id) DO UPDATE SET status = excluded.status, state = excluded.state,
          cancel_reason = excluded.cancel_reason, updated_at = excluded.updated_at, ended_at = excluded.ended_at
        """

    func save(_ run: WorkflowRunRow) throws {
        var row = RowWriter(try db.cachedStatement(sql: Self.saveWorkflowRunSQL))
        row.bind(run.id)
        row.bind(run.workflow)
        row.bind(run.file)
        row.bind(run.source)
        row.bind(run.status)
        row.bind(run.triggerKind)
        row.bind(run.triggerKey)
        row.bind(run.state)
        row.bind(run.rerunOf)
        row.bind(run.cancelReason)
        row.bind(run.createdAt)
        row.bind(run.updatedAt)
        row.bind(run.endedAt)
        try row.run(in: db)
        for (step, state) in run.stepStates {
            var stepRow = RowWriter(try db.cachedStatement(sql: Self.saveWorkflowRunStepSQL))
            stepRow.bind(run.id)
            stepRow.bind(step)
            stepRow.bind(state)
            try stepRow.run(in: db)
        }
    }

    static let saveWorkflowRunStepSQL = """
        INSERT INTO workflow_run_steps (run_id, step, state) VALUES (?,?,?)
        ON CONFLICT(run_id, step) DO UPDATE SET state = excluded.state
        """
}
