import FlotillaCore
import Testing

/// The API's task text, written field by field: every field under its API name, in the key
/// order the generic writer uses, so reading it back and writing it again gives the same bytes.
@Suite struct TaskRecordJSONTests {
    private func roundTrip(_ bytes: [UInt8]) throws -> [String: JSONValue] {
        let parsed = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        #expect(parsed.jsonBytes == bytes, "not in the generic writer's key order or form")
        return try #require(parsed.objectValue)
    }

    @Test func everyFieldOfAFullRecord() throws {
        let spec = TaskSpec(
            type: "code.review", role: "review", capabilities: ["swift", "git"], priority: .high,
            payload: ["pr": 42], prompt: "Review it", context: ["repo": "x"], successCriteria: ["tests": "pass"],
            verify: ["swift test"], dependsOn: ["t0"], timeoutSeconds: 60, maxAttempts: 5, idempotencyKey: "k-1",
            repo: "git@example:x.git", complexity: .complex, budget: ["usd": 2.5], metadata: ["team": "core"]
        )
        var record = TaskRecord(id: "t1", spec: spec, state: .failed, now: 1_700_000_000)
        record.attempt = 2
        record.agentID = "agent-1"
        record.updatedAt = 1_700_000_001.5
        record.queuedAt = 1_700_000_000.25
        record.retryAt = 1_700_000_010
        record.leaseExpiresAt = 1_700_000_030
        record.finishedAt = 1_700_000_002
        record.progress = 50
        record.progressMessage = "half \"way\""
        record.result = ["ok": false]
        record.error = "boom"
        record.reason = "why"
        let attempts = [AttemptRecord(taskID: "t1", number: 1, agentID: "agent-1", startedAt: 1_700_000_000, endedAt: 1_700_000_001, outcome: .failed, error: "boom")]
        let object = try roundTrip(record.jsonBytes(attempts: attempts))
        let expected: [String: JSONValue] = [
            "id": "t1", "type": "code.review", "role": "review", "roles": ["review"], "capabilities": ["git", "swift"], "priority": "high",
            "payload": ["pr": 42], "prompt": "Review it", "context": ["repo": "x"], "success_criteria": ["tests": "pass"],
            "verify": ["swift test"], "depends_on": ["t0"], "timeout_seconds": 60, "max_attempts": 5,
            "idempotency_key": "k-1", "repo": "git@example:x.git", "complexity": "complex", "budget": ["usd": 2.5],
            "metadata": ["team": "core"], "state": "failed", "attempt": 2, "agent_id": "agent-1",
            "created_at": "2023-11-14T22:13:20.000Z", "updated_at": "2023-11-14T22:13:21.500Z",
            "queued_at": "2023-11-14T22:13:20.250Z", "retry_at": "2023-11-14T22:13:30.000Z",
            "lease_expires_at": "2023-11-14T22:13:50.000Z", "finished_at": "2023-11-14T22:13:22.000Z",
            "progress": 50, "progress_message": "half \"way\"", "result": ["ok": false], "error": "boom", "reason": "why",
            "attempts": .array(attempts.map(\.json)),
        ]
        #expect(object == expected)
    }

    @Test func absentOptionalsAreNullOrLeftOut() throws {
        let record = TaskRecord(id: "t2", spec: TaskSpec(type: "testing.run"), state: .queued, now: 0)
        let object = try roundTrip(record.jsonBytes())
        for key in ["agent_id", "queued_at", "retry_at", "lease_expires_at", "finished_at", "progress", "progress_message", "result", "error", "reason"] {
            #expect(object[key] == .null, "\(key)")
        }
        for key in ["prompt", "context", "success_criteria", "timeout_seconds", "idempotency_key", "repo", "complexity", "budget", "metadata", "attempts"] {
            #expect(object[key] == nil, "\(key)")
        }
        #expect(object["role"] == "testing")
        #expect(object["max_attempts"] == 3)
    }

    @Test func listingsWrapTheTasksWithTheirCursor() throws {
        let records = ["a", "b"].map { TaskRecord(id: $0, spec: TaskSpec(type: "x"), state: .queued, now: 0) }
        let listing = try roundTrip(records.jsonBytes(nextCursor: "b"))
        #expect(listing["next_cursor"] == "b")
        #expect(listing["tasks"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["a", "b"])
        #expect(try roundTrip([TaskRecord]().jsonBytes()) == ["tasks": []])
    }
}
