extension TaskRecord {
    /// The record as the API shows it, as UTF-8 JSON: the spec's fields, the task's life so
    /// far, and `attempts` (the attempt history) when given.
    ///
    /// Written field by field, in the key order ``JSONValue`` uses: the API answers a batch
    /// submission with every task it created, and building, hashing and sorting a 30-member
    /// dictionary per task cost more than the rest of the answer.
    /// `waiting`, when given, is written as is (why an unfinished task waits, or null).
    public func jsonBytes(attempts: [AttemptRecord]? = nil, waiting: JSONValue? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        writeJSON(attempts: attempts, waiting: waiting, to: &out)
        return out
    }

    /// Appends ``jsonBytes(attempts:waiting:)`` to `out`.
    public func writeJSON(attempts: [AttemptRecord]? = nil, waiting: JSONValue? = nil, to out: inout [UInt8]) {
        let spec = self.spec
        var object = JSONObjectWriter(appendingTo: &out)
        object.member("agent_id", agentID)
        object.member("attempt", attempt)
        if let attempts { object.member("attempts", .array(attempts.map(\.json))) }
        object.memberIfPresent("budget", spec.budget)
        object.member("capabilities", .array(spec.capabilities.map { .string($0) }))
        object.memberIfPresent("complexity", spec.complexity.map { .string($0.rawValue) })
        object.memberIfPresent("context", spec.context)
        object.member("created_at", timestamp: createdAt)
        object.member("depends_on", .array(spec.dependsOn.map { .string($0) }))
        object.member("error", error)
        object.member("finished_at", timestamp: finishedAt)
        object.member("id", id)
        object.memberIfPresent("idempotency_key", spec.idempotencyKey.map { .string($0) })
        object.member("lease_expires_at", timestamp: leaseExpiresAt)
        object.member("max_attempts", spec.maxAttempts)
        object.memberIfPresent("metadata", spec.metadata)
        object.member("payload", spec.payload)
        object.member("priority", spec.priority.rawValue)
        object.member("progress", progress.map { .double($0) } ?? .null)
        object.member("progress_message", progressMessage)
        object.memberIfPresent("prompt", spec.prompt.map { .string($0) })
        object.member("queued_at", timestamp: queuedAt)
        object.member("reason", reason)
        object.memberIfPresent("repo", spec.repo.map { .string($0) })
        object.member("result", result ?? .null)
        object.member("retry_at", timestamp: retryAt)
        object.member("role", spec.role)
        object.member("roles", .array(spec.roles.map { .string($0) }))
        object.member("state", state.rawValue)
        object.memberIfPresent("submitter", spec.submitter.map { .string($0) })
        object.memberIfPresent("success_criteria", spec.successCriteria)
        object.memberIfPresent("timeout_seconds", spec.timeoutSeconds.map { .int(Int64($0)) })
        object.memberIfPresent("ttl_seconds", spec.ttlSeconds.map { .int(Int64($0)) })
        object.member("type", spec.type)
        object.member("updated_at", timestamp: updatedAt)
        object.member("verify", .array(spec.verify.map { .string($0) }))
        if let waiting { object.member("waiting", waiting) }
        object.finish(into: &out)
    }

    /// Appends `{"id","state"}`: the answer to a submission that asked for `Prefer: return=minimal`.
    public func writeMinimalJSON(to out: inout [UInt8]) {
        var object = JSONObjectWriter(appendingTo: &out)
        object.member("id", id)
        object.member("state", state.rawValue)
        object.finish(into: &out)
    }
}

extension Collection<TaskRecord> {
    /// `{"tasks":[…]}` (and `next_cursor` when given) as UTF-8: the API's task listings; with
    /// `minimal`, each task is only its id and state.
    public func jsonBytes(nextCursor: JSONValue? = nil, minimal: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((minimal ? 48 : 640) * count + 64)
        out.append(UInt8(ascii: "{"))
        if let nextCursor {
            out.append(contentsOf: #""next_cursor":"#.utf8)
            nextCursor.write(to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""tasks":["#.utf8)
        for (index, record) in enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if minimal { record.writeMinimalJSON(to: &out) } else { record.writeJSON(to: &out) }
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
