import FlotillaCore
import GRDB

/// Decodes rows back into domain values.
enum SQLiteRows {
    static func task(_ row: Row) throws -> TaskRecord {
        let specJSON = try JSONValue.parse(row["spec"] as String)
        let spec = try TaskSpec(json: specJSON)
        let stateName: String = row["state"]
        var record = TaskRecord(id: row["id"], spec: spec, state: TaskState(rawValue: stateName) ?? .queued, now: row["created_at"])
        record.attempt = row["attempt"]
        record.attemptBase = row["attempt_base"]
        record.agentID = row["agent_id"]
        record.updatedAt = row["updated_at"]
        record.queuedAt = row["queued_at"]
        record.retryAt = row["retry_at"]
        record.leaseExpiresAt = row["lease_expires_at"]
        record.startedAt = row["started_at"]
        record.finishedAt = row["finished_at"]
        record.progress = row["progress"]
        record.progressMessage = row["progress_message"]
        if let result: String = row["result"] { record.result = try? JSONValue.parse(result) }
        record.error = row["error"]
        record.reason = row["reason"]
        return record
    }

    static func attempt(_ row: Row) throws -> AttemptRecord {
        AttemptRecord(
            taskID: row["task_id"],
            number: row["attempt"],
            agentID: row["agent_id"],
            startedAt: row["started_at"],
            endedAt: row["ended_at"],
            outcome: (row["outcome"] as String?).flatMap(AttemptRecord.Outcome.init(rawValue:)),
            error: row["error"]
        )
    }

    static func event(_ row: Row) throws -> EventRecord {
        EventRecord(
            seq: row["seq"],
            type: row["type"],
            ts: row["ts"],
            taskID: row["task_id"],
            agentID: row["agent_id"],
            data: (try? JSONValue.parse(row["data"] as String)) ?? .object([:])
        )
    }

    static func agent(_ row: Row) throws -> AgentRecord {
        AgentRecord(
            registration: try AgentRegistration(json: JSONValue.parse(row["registration"] as String)),
            state: AgentState(rawValue: row["state"]) ?? .offline,
            connectedAt: row["connected_at"],
            lastSeen: row["last_seen"]
        )
    }

    static func token(_ row: Row) throws -> TokenRow {
        TokenRow(
            id: row["id"],
            name: row["name"],
            scope: TokenRow.Scope(rawValue: row["scope"]) ?? .agent,
            role: row["role"],
            agentID: row["agent_id"],
            secretHash: row["secret_hash"],
            createdAt: row["created_at"],
            revokedAt: row["revoked_at"]
        )
    }
}
