import GRDB

extension SQLiteStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE tasks (
                  id TEXT PRIMARY KEY NOT NULL,
                  type TEXT NOT NULL,
                  role TEXT NOT NULL,
                  priority INTEGER NOT NULL,
                  state TEXT NOT NULL,
                  spec TEXT NOT NULL,
                  idempotency_key TEXT,
                  attempt INTEGER NOT NULL,
                  attempt_base INTEGER NOT NULL,
                  agent_id TEXT,
                  created_at REAL NOT NULL,
                  updated_at REAL NOT NULL,
                  queued_at REAL,
                  retry_at REAL,
                  lease_expires_at REAL,
                  started_at REAL,
                  finished_at REAL,
                  progress REAL,
                  progress_message TEXT,
                  result TEXT,
                  error TEXT,
                  reason TEXT
                ) WITHOUT ROWID;
                CREATE INDEX tasks_by_state ON tasks(state, id);
                CREATE INDEX tasks_by_idempotency_key ON tasks(idempotency_key) WHERE idempotency_key IS NOT NULL;
                CREATE TABLE attempts (
                  task_id TEXT NOT NULL,
                  attempt INTEGER NOT NULL,
                  agent_id TEXT NOT NULL,
                  started_at REAL NOT NULL,
                  ended_at REAL,
                  outcome TEXT,
                  error TEXT,
                  PRIMARY KEY (task_id, attempt)
                ) WITHOUT ROWID;
                CREATE TABLE events (
                  seq INTEGER PRIMARY KEY NOT NULL,
                  type TEXT NOT NULL,
                  ts REAL NOT NULL,
                  task_id TEXT,
                  agent_id TEXT,
                  data TEXT NOT NULL
                );
                CREATE TABLE agents (
                  id TEXT PRIMARY KEY NOT NULL,
                  registration TEXT NOT NULL,
                  state TEXT NOT NULL,
                  connected_at REAL NOT NULL,
                  last_seen REAL NOT NULL
                );
                CREATE TABLE tokens (
                  id TEXT PRIMARY KEY NOT NULL,
                  name TEXT NOT NULL,
                  scope TEXT NOT NULL,
                  role TEXT,
                  secret_hash TEXT NOT NULL,
                  created_at REAL NOT NULL,
                  revoked_at REAL
                );
                """)
        }
        migrator.registerMigration("v2-token-agent-id") { db in
            try db.execute(sql: "ALTER TABLE tokens ADD COLUMN agent_id TEXT")
        }
        // The dashboard's sign-ins (issue 22): the SHA-256 of each session id, never the id.
        migrator.registerMigration("v3-browser-sessions") { db in
            try db.execute(sql: """
                CREATE TABLE browser_sessions (
                  id_hash TEXT PRIMARY KEY NOT NULL,
                  token_id TEXT NOT NULL,
                  csrf_token TEXT NOT NULL,
                  created_at REAL NOT NULL,
                  expires_at REAL NOT NULL
                );
                CREATE INDEX browser_sessions_token ON browser_sessions(token_id);
                """)
        }
        migrator.registerMigration("v3-dashboard-queries", migrate: Self.addDashboardQueries)
        // Workflows and their runs (issue 23; SQLiteStore+workflows.swift).
        migrator.registerMigration("v4-workflows", migrate: Self.addWorkflows)
        // The cost ledger (issue 24): one row per attempt that reported usage.
        migrator.registerMigration("v5-costs", migrate: Self.addCostLedger)
        // A workflow run's steps, one row each, so a round writes the steps it changed.
        migrator.registerMigration("v5-workflow-run-steps", migrate: Self.addWorkflowRunSteps)
        // Approval requests and their decisions (issue 24; SQLiteStore+approvals.swift).
        migrator.registerMigration("v6-approvals", migrate: Self.addApprovals)
        // Notifications to people (issue 24): deliveries and the event cursor.
        migrator.registerMigration("v7-notifications", migrate: Self.addNotifications)
        // Goals (issue 25; SQLiteStore+goals.swift). Registered after v6-approvals and
        // v7-notifications, which other branches add.
        migrator.registerMigration("v8-goals", migrate: Self.addGoals)
        // The ledger finds today's lines through its time index (SQLiteStore+costs.swift).
        migrator.registerMigration("v9-ledger-one-index", migrate: Self.dropLedgerDayIndex)
        // A goal's own verify commands, and each stage's record of its way (`details`).
        migrator.registerMigration("v10-goal-details", migrate: Self.addGoalDetails)
        // The hub's own initiative: one row per finding's fingerprint (SQLiteStore+autonomy.swift).
        migrator.registerMigration("v11-autonomy", migrate: Self.addAutonomyFindings)
        // A goal's costs read through an index of the lines that have a goal (SQLiteStore+costs.swift).
        migrator.registerMigration("v12-ledger-goal-index", migrate: Self.addLedgerGoalIndex)
        // A goal's events read through an index of the events that name a goal (SQLiteStore+goalEvents.swift).
        migrator.registerMigration("v13-event-goal-index", migrate: Self.addEventGoalIndex)
        return migrator
    }
}
