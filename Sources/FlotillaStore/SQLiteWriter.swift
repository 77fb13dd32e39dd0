import FlotillaCore
import GRDB

/// Applies one batch of writes inside a transaction. Changes to the same task or attempt within
/// a batch are coalesced into one row write (the last state wins), which is where group commit
/// saves most of its work under load.
struct SQLiteWriter {
    let db: Database

    func apply(_ writes: [StoreWrite]) throws {
        var taskOrder: [String] = []
        var tasks: [String: (insert: Bool, record: TaskRecord)] = [:]
        var attemptOrder: [String] = []
        var attempts: [String: AttemptRecord] = [:]
        var agents: [String: AgentRecord] = [:]
        var events: [EventRecord] = []
        for write in writes {
            switch write {
            case .insertTask(let record):
                if tasks[record.id] == nil { taskOrder.append(record.id) }
                tasks[record.id] = (true, record)
            case .updateTask(let record):
                if let existing = tasks[record.id] {
                    tasks[record.id] = (existing.insert, record)
                } else {
                    taskOrder.append(record.id)
                    tasks[record.id] = (false, record)
                }
            case .saveAttempt(let attempt):
                let key = "\(attempt.taskID)#\(attempt.number)"
                if attempts[key] == nil { attemptOrder.append(key) }
                attempts[key] = attempt
            case .appendEvent(let event):
                events.append(event)
            case .saveAgent(let row):
                agents[row.registration.id] = row
            }
        }
        for id in taskOrder {
            let entry = tasks[id]!
            if entry.insert { try insert(entry.record) } else { try update(entry.record) }
        }
        for key in attemptOrder { try save(attempts[key]!) }
        for event in events { try append(event) }
        for row in agents.values { try save(row) }
    }

    private func insert(_ task: TaskRecord) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO tasks (id, type, role, priority, state, spec, idempotency_key, attempt, attempt_base, agent_id,
              created_at, updated_at, queued_at, retry_at, lease_expires_at, started_at, finished_at,
              progress, progress_message, result, error, reason)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        var arguments: StatementArguments = [
            task.id, task.spec.type, task.spec.role, task.spec.priority.rank, task.state.rawValue,
            task.spec.json.jsonString, task.spec.idempotencyKey,
        ]
        arguments += mutableColumns(task)
        try statement.execute(arguments: arguments)
    }

    private func update(_ task: TaskRecord) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE tasks SET state = ?, attempt = ?, attempt_base = ?, agent_id = ?, created_at = ?, updated_at = ?,
              queued_at = ?, retry_at = ?, lease_expires_at = ?, started_at = ?, finished_at = ?,
              progress = ?, progress_message = ?, result = ?, error = ?, reason = ?
            WHERE id = ?
            """)
        var arguments: StatementArguments = [task.state.rawValue]
        arguments += mutableColumns(task)
        arguments += [task.id]
        try statement.execute(arguments: arguments)
    }

    private func mutableColumns(_ task: TaskRecord) -> StatementArguments {
        [
            task.attempt, task.attemptBase, task.agentID, task.createdAt, task.updatedAt,
            task.queuedAt, task.retryAt, task.leaseExpiresAt, task.startedAt, task.finishedAt,
            task.progress, task.progressMessage, task.result?.jsonString, task.error, task.reason,
        ]
    }

    private func save(_ attempt: AttemptRecord) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO attempts (task_id, attempt, agent_id, started_at, ended_at, outcome, error) VALUES (?,?,?,?,?,?,?)
            ON CONFLICT(task_id, attempt) DO UPDATE SET agent_id = excluded.agent_id, started_at = excluded.started_at,
              ended_at = excluded.ended_at, outcome = excluded.outcome, error = excluded.error
            """)
        try statement.execute(arguments: [
            attempt.taskID, attempt.number, attempt.agentID, attempt.startedAt, attempt.endedAt, attempt.outcome?.rawValue, attempt.error,
        ])
    }

    private func append(_ event: EventRecord) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO events (seq, type, ts, task_id, agent_id, data) VALUES (?,?,?,?,?,?)")
        try statement.execute(arguments: [event.seq, event.type, event.ts, event.taskID, event.agentID, event.data.jsonString])
    }

    private func save(_ row: AgentRecord) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO agents (id, registration, state, connected_at, last_seen) VALUES (?,?,?,?,?)
            ON CONFLICT(id) DO UPDATE SET registration = excluded.registration, state = excluded.state,
              connected_at = excluded.connected_at, last_seen = excluded.last_seen
            """)
        try statement.execute(arguments: [
            row.registration.id, row.registration.json.jsonString, row.state.rawValue, row.connectedAt, row.lastSeen,
        ])
    }
}
