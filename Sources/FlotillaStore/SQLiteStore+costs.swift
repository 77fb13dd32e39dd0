public import FlotillaCore
import GRDB

/// The cost ledger: one `attempt_usage` row per attempt that reported usage (Scheduler+costs.swift
/// keeps it; docs/costs.md). Rows stay when retention deletes their task: they are the money record.
extension SQLiteStore {
    static func addCostLedger(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE attempt_usage (
              task_id TEXT NOT NULL,
              attempt INTEGER NOT NULL,
              agent_id TEXT NOT NULL,
              role TEXT NOT NULL,
              type TEXT NOT NULL,
              goal TEXT,
              model TEXT,
              executor TEXT,
              day TEXT NOT NULL,
              recorded_at REAL NOT NULL,
              input_tokens INTEGER NOT NULL,
              output_tokens INTEGER NOT NULL,
              cached_tokens INTEGER NOT NULL,
              usd REAL NOT NULL,
              final INTEGER NOT NULL,
              PRIMARY KEY (task_id, attempt)
            ) WITHOUT ROWID;
            CREATE INDEX attempt_usage_by_time ON attempt_usage(recorded_at);
            CREATE INDEX attempt_usage_by_day ON attempt_usage(day);
            """)
    }

    /// Drops the ledger's index on `day`: only the start-up totals filtered on it, and they
    /// find today's lines through the time index (``usageSnapshot(_:activeIDs:now:)``). Every
    /// attempt's line then writes one b-tree fewer.
    static func dropLedgerDayIndex(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX IF EXISTS attempt_usage_by_day")
    }

    /// An index on the goal of the lines that have one: a goal's costs (its page, its budget at
    /// start) read its own lines. Partial, so the many lines without a goal write nothing more.
    static func addLedgerGoalIndex(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX attempt_usage_by_goal ON attempt_usage(goal) WHERE goal IS NOT NULL")
    }

    /// Today's totals, in-flight tasks' spending and held attempts' open lines.
    static func usageSnapshot(_ db: Database, activeIDs: [String], now: Double) throws -> UsageSnapshot {
        var snapshot = UsageSnapshot()
        let today = UTCDay.name(now)
        // A line counts for the day it was opened and is recorded at or after that, so today's
        // lines are among those recorded since midnight: the time index finds them (the ledger
        // keeps no index on `day`, one b-tree fewer to write per attempt; v9-ledger-one-index).
        let midnight = Double(UTCDay.index(now)) * 86_400
        let sql = "SELECT role, type, final, sum(usd) AS usd, count(*) AS n FROM attempt_usage WHERE recorded_at >= ? AND day = ? GROUP BY role, type, final"
        for row in try Row.fetchAll(db, sql: sql, arguments: [midnight, today]) {
            let usd: Double = row["usd"]
            snapshot.daySpent += usd
            snapshot.roleSpent[row["role"], default: 0] += usd
            if row["final"] as Bool {
                let type: String = row["type"]
                snapshot.typeCosts[type, default: (0, 0)].sum += usd
                snapshot.typeCosts[type, default: (0, 0)].count += row["n"] as Int
            }
        }
        for chunk in stride(from: 0, to: activeIDs.count, by: 500) {
            let slice = Array(activeIDs[chunk..<min(activeIDs.count, chunk + 500)])
            let marks = slice.map { _ in "?" }.joined(separator: ",")
            let sql = "SELECT * FROM attempt_usage WHERE task_id IN (\(marks))"
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
                let line = usageRecord(row)
                snapshot.taskSpent[line.taskID, default: 0] += line.usage.usd
                if !line.isFinal { snapshot.open.append(line) }
            }
        }
        // Goals with a budget that are not final: their budget and their spending so far, all
        // days (a goal budget is for the goal's life), so a restarted hub holds them the same.
        let budgeted = "SELECT id, budget_usd FROM goals WHERE budget_usd IS NOT NULL AND state NOT IN ('done','failed','cancelled')"
        for row in try Row.fetchAll(db, sql: budgeted) {
            snapshot.goalLimits[row["id"]] = row["budget_usd"]
        }
        let goals = snapshot.goalLimits.keys.sorted()
        for chunk in stride(from: 0, to: goals.count, by: 500) {
            let slice = Array(goals[chunk..<min(goals.count, chunk + 500)])
            let marks = slice.map { _ in "?" }.joined(separator: ",")
            let sql = "SELECT goal, sum(usd) AS usd FROM attempt_usage WHERE goal IN (\(marks)) GROUP BY goal"
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
                snapshot.goalSpent[row["goal"]] = row["usd"]
            }
        }
        return snapshot
    }

    static func usageRecord(_ row: Row) -> UsageRecord {
        UsageRecord(
            taskID: row["task_id"], attempt: row["attempt"], agentID: row["agent_id"], role: row["role"], type: row["type"],
            goal: row["goal"], model: row["model"], executor: row["executor"], day: row["day"], recordedAt: row["recorded_at"],
            usage: Usage(inputTokens: row["input_tokens"], outputTokens: row["output_tokens"], cachedTokens: row["cached_tokens"], usd: row["usd"]),
            isFinal: row["final"]
        )
    }

    public func costs(_ query: CostQuery) async throws -> CostReport {
        // The column is chosen from a closed enum, never from the request's text.
        let column = query.by == .task ? "task_id" : query.by == .agent ? "agent_id" : query.by.rawValue
        var conditions: [String] = []
        var bounds: [Double] = []
        if let since = query.since {
            conditions.append("recorded_at >= ?")
            bounds.append(since)
        }
        if let until = query.until {
            conditions.append("recorded_at < ?")
            bounds.append(until)
        }
        let arguments = bounds
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = query.by == .day ? "key" : "usd DESC, key"
        let sql = """
            SELECT \(column) AS key, sum(usd) AS usd, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(cached_tokens) AS cached_tokens, count(*) AS attempts
            FROM attempt_usage \(filter) GROUP BY \(column) ORDER BY \(order)
            """
        let totals = try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.total)
        }
        var sum = CostTotal(key: nil, usage: .zero, attempts: 0)
        for total in totals {
            sum.usage += total.usage
            sum.attempts += total.attempts
        }
        return CostReport(query: query, totals: totals, total: sum)
    }

    /// The goals' totals through the partial index on `goal` (v12-ledger-goal-index): a goal
    /// list or page reads its own goals' lines, not the whole ledger.
    public func goalCosts(ids: [String]) async throws -> [String: CostTotal] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var out: [String: CostTotal] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[chunk..<min(ids.count, chunk + 500)])
                let marks = slice.map { _ in "?" }.joined(separator: ",")
                let sql = """
                    SELECT goal AS key, sum(usd) AS usd, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                      sum(cached_tokens) AS cached_tokens, count(*) AS attempts
                    FROM attempt_usage WHERE goal IN (\(marks)) GROUP BY goal
                    """
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(slice)) {
                    let total = Self.total(row)
                    if let key = total.key { out[key] = total }
                }
            }
            return out
        }
    }

    public func taskCost(id: String) async throws -> CostTotal? {
        try await pool.read { db in
            let sql = """
                SELECT task_id AS key, sum(usd) AS usd, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                  sum(cached_tokens) AS cached_tokens, count(*) AS attempts
                FROM attempt_usage WHERE task_id = ? GROUP BY task_id
                """
            return try Row.fetchOne(db, sql: sql, arguments: [id]).map(Self.total)
        }
    }

    private static func total(_ row: Row) -> CostTotal {
        CostTotal(
            key: row["key"],
            usage: Usage(inputTokens: row["input_tokens"], outputTokens: row["output_tokens"], cachedTokens: row["cached_tokens"], usd: row["usd"]),
            attempts: row["attempts"]
        )
    }
}

extension SQLiteWriter {
    /// Lines written by one statement: a batch's lines go in a few multi-row upserts rather
    /// than one statement each, which halves what a line costs the writer (the cursors on the
    /// ledger and its time index open once per statement, not once per line).
    static let usageLinesPerStatement = 16

    /// The upsert of `count` lines; later lines of one attempt replace earlier ones (SQLite
    /// applies a statement's rows in order, each meeting the ones before it).
    static func saveUsageSQL(lines count: Int) -> String {
        let values = Array(repeating: "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", count: count).joined(separator: ",")
        return """
            INSERT INTO attempt_usage (task_id, attempt, agent_id, role, type, goal, model, executor, day, recorded_at,
              input_tokens, output_tokens, cached_tokens, usd, final) VALUES \(values)
            ON CONFLICT(task_id, attempt) DO UPDATE SET model = excluded.model, executor = excluded.executor,
              recorded_at = excluded.recorded_at, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
              cached_tokens = excluded.cached_tokens, usd = excluded.usd, final = excluded.final
            """
    }

    static let fullUsageStatementSQL = saveUsageSQL(lines: usageLinesPerStatement)

    /// Writes the last line of each attempt in the batch (each line carries the attempt's sum,
    /// so only the newest counts); `positions` are the lines' places in `writes`, in order.
    func saveUsage(_ writes: [StoreWrite], at positions: [Int]) throws {
        var start = 0
        while start < positions.count {
            let count = min(Self.usageLinesPerStatement, positions.count - start)
            let sql = count == Self.usageLinesPerStatement ? Self.fullUsageStatementSQL : Self.saveUsageSQL(lines: count)
            var row = RowWriter(try db.cachedStatement(sql: sql))
            for position in positions[start..<start + count] {
                guard case .saveUsage(let line) = writes[position] else { continue }
                row.bind(line.taskID)
                row.bind(line.attempt)
                row.bind(line.agentID)
                row.bind(line.role)
                row.bind(line.type)
                row.bind(line.goal)
                row.bind(line.model)
                row.bind(line.executor)
                row.bind(line.day)
                row.bind(line.recordedAt)
                row.bind(line.usage.inputTokens)
                row.bind(line.usage.outputTokens)
                row.bind(line.usage.cachedTokens)
                row.bind(line.usage.usd)
                row.bind(line.isFinal ? 1 : 0)
            }
            try row.run(in: db)
            start += count
        }
    }
}
