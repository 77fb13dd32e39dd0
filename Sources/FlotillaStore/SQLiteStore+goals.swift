public import FlotillaCore
import GRDB

/// Goals (migration `v8-goals`, issue 25): the backlog and each goal's way to a pull request.
/// Writes come through the engine's group commit (``SQLiteWriter``), so a goal's state commits
/// with its `goal.state_changed` event; these are the reads.
extension SQLiteStore {
    static func addGoals(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE goals (
              id TEXT PRIMARY KEY NOT NULL,
              title TEXT NOT NULL,
              repo TEXT NOT NULL,
              budget_usd REAL,
              priority INTEGER NOT NULL,
              approve_plan INTEGER NOT NULL,
              state TEXT NOT NULL,
              plan TEXT,
              plan_attempts INTEGER NOT NULL,
              run_id TEXT,
              branch TEXT NOT NULL,
              reasons TEXT NOT NULL,
              pr_url TEXT,
              retries INTEGER NOT NULL,
              created_at REAL NOT NULL,
              updated_at REAL NOT NULL,
              ended_at REAL
            );
            CREATE INDEX goals_by_state ON goals(state, priority, created_at);
            """)
    }

    /// Each stage's record of a goal's way (``GoalRecord/details``), one JSON object.
    static func addGoalDetails(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE goals ADD COLUMN details TEXT NOT NULL DEFAULT '{}'")
        try db.execute(sql: "ALTER TABLE goals ADD COLUMN verify TEXT NOT NULL DEFAULT '[]'")
    }

    public func goals(_ query: GoalQuery) async throws -> [GoalRecord] {
        var sql = "SELECT * FROM goals"
        let states = query.states.map(\.rawValue)
        if !states.isEmpty { sql += " WHERE state IN (\(states.map { _ in "?" }.joined(separator: ",")))" }
        sql += " ORDER BY created_at DESC, id DESC LIMIT \(min(max(1, query.limit), GoalQuery.maxLimit))"
        let statement = sql
        return try await pool.read { db in
            try Row.fetchAll(db, sql: statement, arguments: StatementArguments(states)).map(Self.goalRecord)
        }
    }

    public func goal(id: String) async throws -> GoalRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM goals WHERE id = ?", arguments: [id]).map(Self.goalRecord)
        }
    }

    public func activeGoals() async throws -> [GoalRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM goals WHERE state NOT IN ('done','failed','cancelled') ORDER BY created_at").map(Self.goalRecord)
        }
    }

    static func goalRecord(_ row: Row) throws -> GoalRecord {
        let planText: String? = row["plan"]
        let reasonsText: String = row["reasons"]
        let stateText: String = row["state"]
        let reasons = (try? JSONValue.parse(reasonsText))?.arrayValue?.compactMap(\.stringValue) ?? []
        let detailsText: String = row["details"]
        let verifyText: String = row["verify"]
        return GoalRecord(
            id: row["id"], title: row["title"], repo: row["repo"], budgetUSD: row["budget_usd"], priority: row["priority"],
            approvePlan: row["approve_plan"],
            verify: (try? JSONValue.parse(verifyText))?.arrayValue?.compactMap(\.stringValue) ?? [], state: GoalState(rawValue: stateText) ?? .failed,
            plan: planText.flatMap { try? JSONValue.parse($0) }, planAttempts: row["plan_attempts"], runID: row["run_id"],
            reasons: reasons, prURL: row["pr_url"], retries: row["retries"],
            details: (try? JSONValue.parse(detailsText))?.objectValue ?? [:],
            createdAt: row["created_at"], updatedAt: row["updated_at"], endedAt: row["ended_at"]
        )
    }
}

extension SQLiteWriter {
    static let saveGoalSQL = """
        INSERT OR REPLACE INTO goals (id, title, repo, budget_usd, priority, approve_plan, state, plan, plan_attempts,
          run_id, branch, reasons, pr_url, retries, created_at, updated_at, ended_at, details, verify)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """

    func save(_ goal: GoalRecord) throws {
        var row = RowWriter(try db.cachedStatement(sql: Self.saveGoalSQL))
        row.bind(goal.id)
        row.bind(goal.title)
        row.bind(goal.repo)
        row.bind(goal.budgetUSD)
        row.bind(goal.priority)
        row.bind(goal.approvePlan ? 1 : 0)
        row.bind(goal.state.rawValue)
        row.bind(goal.plan?.jsonString)
        row.bind(goal.planAttempts)
        row.bind(goal.runID)
        row.bind(goal.branch)
        row.bind(JSONValue.array(goal.reasons.map(JSONValue.string)).jsonString)
        row.bind(goal.prURL)
        row.bind(goal.retries)
        row.bind(goal.createdAt)
        row.bind(goal.updatedAt)
        row.bind(goal.endedAt)
        row.bind(JSONValue.object(goal.details).jsonString)
        row.bind(JSONValue.array(goal.verify.map(JSONValue.string)).jsonString)
        try row.run(in: db)
    }
}
