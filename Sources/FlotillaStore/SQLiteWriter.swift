import FlotillaCore
import GRDB

/// Applies one batch of writes inside a transaction. Changes to the same task or attempt within
/// a batch are coalesced into one row write (the last state wins), which is where group commit
/// saves most of its work under load.
struct SQLiteWriter {
    let db: Database

    private struct AttemptKey: Hashable {
        var taskID: String
        var number: Int
    }

    func apply(_ writes: [StoreWrite]) throws {
        // The last write of each task and attempt, by position in `writes`, in first-write
        // order: one hash lookup per write, and no copies of the records.
        var taskRows: [(insert: Bool, last: Int)] = []
        var taskIndex: [String: Int] = [:]
        var attemptRows: [Int] = []
        var attemptIndex: [AttemptKey: Int] = [:]
        var agents: [String: Int] = [:]
        var hasEvents = false
        var hasWorkflows = false
        var usageRows: [Int] = []
        var hasApprovals = false
        var hasNotifications = false
        taskIndex.reserveCapacity(writes.count / 2)
        for (position, write) in writes.enumerated() {
            switch write {
            case .insertTask(let record), .updateTask(let record):
                let insert = if case .insertTask = write { true } else { false }
                if let index = taskIndex[record.id] {
                    taskRows[index].last = position
                    if insert { taskRows[index].insert = true }
                } else {
                    taskIndex[record.id] = taskRows.count
                    taskRows.append((insert, position))
                }
            case .saveAttempt(let attempt):
                let key = AttemptKey(taskID: attempt.taskID, number: attempt.number)
                if let index = attemptIndex[key] {
                    attemptRows[index] = position
                } else {
                    attemptIndex[key] = attemptRows.count
                    attemptRows.append(position)
                }
            case .appendEvent:
                hasEvents = true
            case .saveAgent(let row):
                agents[row.registration.id] = position
            case .saveWorkflow, .deleteWorkflow, .saveWorkflowRun, .saveGoal, .saveAutonomyFinding:
                hasWorkflows = true
            case .saveUsage:
                usageRows.append(position)
            case .saveApproval:
                hasApprovals = true
            case .saveNotificationDelivery, .saveNotificationCursor:
                hasNotifications = true
            }
        }
        // Each statement is taken from GRDB's cache once per batch: the cache is keyed by the
        // SQL text, and hashing it for every row showed in profiles.
        var insertStatement: Statement?
        var updateStatement: Statement?
        for row in taskRows {
            switch writes[row.last] {
            case .insertTask(let record), .updateTask(let record):
                if row.insert {
                    insertStatement = try insertStatement ?? db.cachedStatement(sql: Self.insertTaskSQL)
                    try insert(record, with: insertStatement!)
                } else {
                    updateStatement = try updateStatement ?? db.cachedStatement(sql: Self.updateTaskSQL)
                    try update(record, with: updateStatement!)
                }
            default:
                continue
            }
        }
        if !attemptRows.isEmpty {
            let statement = try db.cachedStatement(sql: Self.saveAttemptSQL)
            for position in attemptRows {
                if case .saveAttempt(let attempt) = writes[position] { try save(attempt, with: statement) }
            }
        }
        if hasEvents {
            let statement = try db.cachedStatement(sql: Self.appendEventSQL)
            for write in writes {
                if case .appendEvent(let event) = write { try append(event, with: statement) }
            }
        }
        for position in agents.values {
            if case .saveAgent(let row) = writes[position] { try save(row) }
        }
        // Few and in order: a run saved twice in a batch keeps its last state.
        if hasWorkflows {
            for write in writes {
                switch write {
                case .saveWorkflow(let row): try save(row)
                case .deleteWorkflow(let name): try deleteWorkflow(name: name)
                case .saveWorkflowRun(let row): try save(row)
                case .saveGoal(let goal): try save(goal)
                case .saveAutonomyFinding(let finding): try save(finding)
                default: continue
                }
            }
        }
        if !usageRows.isEmpty { try saveUsage(writes, at: usageRows) }
        if hasApprovals { try saveApprovals(writes) }
        if hasNotifications { try saveNotifications(writes) }
    }

    private static let insertTaskSQL = """
            INSERT INTO tasks (id, type, role, priority, state, spec, idempotency_key, attempt, attempt_base, agent_id,
              created_at, updated_at, queued_at, retry_at, lease_expires_at, started_at, finished_at,
              progress, progress_message, result, error, reason, prompt_search)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """

    private static let insertDependencySQL = "INSERT OR IGNORE INTO dependencies (task_id, dependency_id) VALUES (?,?)"

    private func insert(_ task: TaskRecord, with statement: Statement) throws {
        var row = RowWriter(statement)
        row.bind(task.id)
        row.bind(task.spec.type)
        row.bind(task.spec.role)
        row.bind(task.spec.priority.rank)
        row.bind(task.state.rawValue)
        row.bind(task.spec.jsonBytes)
        row.bind(task.spec.idempotencyKey)
        bindMutableColumns(task, to: &row)
        row.bind(task.spec.promptSearchText)
        try row.run(in: db)
        // A spec never changes after submission, so its edges are written once, with the task.
        if !task.spec.dependsOn.isEmpty {
            let statement = try db.cachedStatement(sql: Self.insertDependencySQL)
            for dependency in task.spec.dependsOn {
                var edge = RowWriter(statement)
                edge.bind(task.id)
                edge.bind(dependency)
                try edge.run(in: db)
            }
        }
    }

    private static let updateTaskSQL = """
            UPDATE tasks SET state = ?, attempt = ?, attempt_base = ?, agent_id = ?, created_at = ?, updated_at = ?,
              queued_at = ?, retry_at = ?, lease_expires_at = ?, started_at = ?, finished_at = ?,
              progress = ?, progress_message = ?, result = ?, error = ?, reason = ?
            WHERE id = ?
            """

    private func update(_ task: TaskRecord, with statement: Statement) throws {
        var row = RowWriter(statement)
        row.bind(task.state.rawValue)
        bindMutableColumns(task, to: &row)
        row.bind(task.id)
        try row.run(in: db)
    }

    private func bindMutableColumns(_ task: TaskRecord, to row: inout RowWriter) {
        row.bind(task.attempt)
        row.bind(task.attemptBase)
        row.bind(task.agentID)
        row.bind(task.createdAt)
        row.bind(task.updatedAt)
        row.bind(task.queuedAt)
        row.bind(task.retryAt)
        row.bind(task.leaseExpiresAt)
        row.bind(task.startedAt)
        row.bind(task.finishedAt)
        row.bind(task.progress)
        row.bind(task.progressMessage)
        if let result = task.result { row.bind(result.jsonBytes) } else { row.bind(nil as String?) }
        row.bind(task.error)
        row.bind(task.reason)
    }

    private static let saveAttemptSQL = """
            INSERT INTO attempts (task_id, attempt, agent_id, started_at, ended_at, outcome, error) VALUES (?,?,?,?,?,?,?)
            ON CONFLICT(task_id, attempt) DO UPDATE SET agent_id = excluded.agent_id, started_at = excluded.started_at,
              ended_at = excluded.ended_at, outcome = excluded.outcome, error = excluded.error
            """

    private func save(_ attempt: AttemptRecord, with statement: Statement) throws {
        var row = RowWriter(statement)
        row.bind(attempt.taskID)
        row.bind(attempt.number)
        row.bind(attempt.agentID)
        row.bind(attempt.startedAt)
        row.bind(attempt.endedAt)
        row.bind(attempt.outcome?.rawValue)
        row.bind(attempt.error)
        try row.run(in: db)
    }

    private static let appendEventSQL = "INSERT INTO events (seq, type, ts, task_id, agent_id, data, goal_id) VALUES (?,?,?,?,?,?,?)"

    private func append(_ event: EventRecord, with statement: Statement) throws {
        var row = RowWriter(statement)
        row.bind(event.seq)
        row.bind(event.type)
        row.bind(event.ts)
        row.bind(event.taskID)
        row.bind(event.agentID)
        row.bind(event.stored.dataBytes)
        row.bind(event.goalID)
        try row.run(in: db)
    }

    private static let saveAgentSQL = """
        INSERT INTO agents (id, registration, state, connected_at, last_seen) VALUES (?,?,?,?,?)
        ON CONFLICT(id) DO UPDATE SET registration = excluded.registration, state = excluded.state,
          connected_at = excluded.connected_at, last_seen = excluded.last_seen
        """

    private func save(_ agent: AgentRecord) throws {
        var row = RowWriter(try db.cachedStatement(sql: Self.saveAgentSQL))
        row.bind(agent.registration.id)
        row.bind(agent.registration.json.jsonBytes)
        row.bind(agent.state.rawValue)
        row.bind(agent.connectedAt)
        row.bind(agent.lastSeen)
        try row.run(in: db)
    }
}
