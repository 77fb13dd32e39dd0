public import FlotillaCore
import GRDB

/// Approval requests (issue 24; FlotillaEngine/Approvals): one row per request, kept with who
/// decided, when and why. The rows are the audit trail: retention never deletes them.
extension SQLiteStore {
    static func addApprovals(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE approvals (
              id TEXT PRIMARY KEY NOT NULL,
              agent_id TEXT NOT NULL,
              role TEXT,
              task_id TEXT,
              attempt INTEGER,
              source TEXT NOT NULL,
              tool TEXT NOT NULL,
              subject TEXT NOT NULL,
              detail TEXT NOT NULL,
              input TEXT NOT NULL,
              read_only INTEGER NOT NULL,
              choices TEXT NOT NULL,
              state TEXT NOT NULL,
              created_at REAL NOT NULL,
              expires_at REAL NOT NULL,
              decided_at REAL,
              decided_by TEXT,
              decider TEXT,
              reason TEXT,
              choice TEXT,
              ref TEXT
            ) WITHOUT ROWID;
            CREATE INDEX approvals_by_state ON approvals(state, created_at);
            CREATE INDEX approvals_by_task ON approvals(task_id);
            """)
    }

    public func approvals(_ query: ApprovalQuery) async throws -> [ApprovalRecord] {
        var conditions: [String] = []
        var arguments: [String] = []
        if let state = query.state {
            conditions.append("state = ?")
            arguments.append(state.rawValue)
        }
        if let agent = query.agentID {
            conditions.append("agent_id = ?")
            arguments.append(agent)
        }
        if let task = query.taskID {
            conditions.append("task_id = ?")
            arguments.append(task)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let bound = arguments
        let sql = "SELECT * FROM approvals \(filter) ORDER BY created_at DESC, id DESC LIMIT \(max(1, min(query.limit, ApprovalQuery.limitRange.upperBound)))"
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(bound)).map(Self.approvalRecord)
        }
    }

    public func approval(id: String) async throws -> ApprovalRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM approvals WHERE id = ?", arguments: [id]).map(Self.approvalRecord)
        }
    }

    /// The requests still waiting for a decision (the scheduler keeps them after a restart).
    static func pendingApprovals(_ db: Database) throws -> [ApprovalRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM approvals WHERE state = 'pending' ORDER BY created_at").map(approvalRecord)
    }

    static func approvalRecord(_ row: Row) -> ApprovalRecord {
        let input = (try? JSONValue.parse(row["input"] as String)) ?? .object([:])
        let choices = ((try? JSONValue.parse(row["choices"] as String))?.arrayValue ?? []).compactMap { value -> ApprovalChoice? in
            guard let key = value["key"]?.stringValue else { return nil }
            return ApprovalChoice(key: key, label: value["label"]?.stringValue ?? key, allows: value["allows"]?.boolValue ?? false)
        }
        let question = ApprovalQuestion(
            source: ApprovalSource(rawValue: row["source"]) ?? .claudeStdio, taskID: row["task_id"], attempt: row["attempt"],
            tool: row["tool"], subject: row["subject"], detail: row["detail"], input: input, readOnly: row["read_only"], choices: choices
        )
        return ApprovalRecord(
            id: row["id"], agentID: row["agent_id"], role: row["role"], question: question,
            state: ApprovalState(rawValue: row["state"]) ?? .pending, createdAt: row["created_at"], expiresAt: row["expires_at"],
            decidedAt: row["decided_at"], decidedBy: (row["decided_by"] as String?).flatMap(ApprovalDecider.init(rawValue:)),
            decider: row["decider"], reason: row["reason"], choice: row["choice"], ref: row["ref"]
        )
    }
}

extension SQLiteWriter {
    static let saveApprovalSQL = """
        INSERT OR REPLACE INTO approvals (id, agent_id, role, task_id, attempt, source, tool, subject, detail, input,
          read_only, choices, state, created_at, expires_at, decided_at, decided_by, decider, reason, choice, ref)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """

    /// Few and in order: a request saved twice in a batch (asked, then decided by a rule)
    /// keeps its last state.
    func saveApprovals(_ writes: [StoreWrite]) throws {
        for write in writes {
            guard case .saveApproval(let record) = write else { continue }
            let q = record.question
            let arguments: [(any DatabaseValueConvertible)?] = [
                record.id, record.agentID, record.role, q.taskID, q.attempt, q.source.rawValue, q.tool, q.subject, q.detail,
                q.input.jsonString, q.readOnly, JSONValue.array(q.choices.map(\.json)).jsonString, record.state.rawValue,
                record.createdAt, record.expiresAt, record.decidedAt, record.decidedBy?.rawValue, record.decider,
                record.reason, record.choice, record.ref,
            ]
            try db.execute(sql: Self.saveApprovalSQL, arguments: StatementArguments(arguments))
        }
    }
}
