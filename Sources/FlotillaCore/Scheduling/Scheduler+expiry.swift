/// Time-to-live (`ttl_seconds`, the envelope's `metadata.ttl`): a task that no agent has taken
/// within its TTL of being submitted ends `expired`, and its dependents are cancelled as for a
/// dead task. A task that was handed out once is past its TTL's reach: from then on its
/// attempts, timeouts and retries decide.
public enum TaskExpiry {
    /// When the task expires if still not handed out; nil without a TTL or once handed out.
    public static func deadline(of task: TaskRecord) -> Double? {
        guard let ttl = task.spec.ttlSeconds, task.attempt == 0, !task.state.isFinal, !task.state.isHeld else { return nil }
        return task.createdAt + Double(ttl)
    }

    /// Whether the task must expire at `now`.
    public static func isExpired(_ task: TaskRecord, now: Double) -> Bool {
        guard let deadline = deadline(of: task) else { return false }
        return now >= deadline
    }
}

extension Scheduler {
    /// Watches a task's TTL, when it has one and was never handed out.
    mutating func armExpiry(_ task: TaskRecord) {
        guard let deadline = TaskExpiry.deadline(of: task) else { return }
        expiring[task.id] = deadline
    }

    /// Expires every watched task whose TTL ran out before an agent took it. Handing a task out
    /// unwatches it; a task that finished otherwise (cancelled) is dropped when its time comes.
    public mutating func expireOverdue(now: Double) {
        guard !expiring.isEmpty else { return }
        let due = expiring.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (id, _) in due {
            expiring.removeValue(forKey: id)
            guard var task = tasks[id], TaskExpiry.isExpired(task, now: now) else { continue }
            expire(&task, now: now)
        }
    }

    private mutating func expire(_ task: inout TaskRecord, now: Double) {
        let ttl = task.spec.ttlSeconds ?? 0
        lanes.remove(task.id)
        if let open = waitingOn.removeValue(forKey: task.id) {
            for dependency in open { dependents[dependency]?.remove(task.id) }
        }
        task.reason = "not started within its TTL of \(ttl)s"
        task.finishedAt = now
        task.retryAt = nil
        move(&task, to: .expired, now: now, data: ["reason": .string(task.reason!), TaskSpec.Field.ttlSeconds.rawValue: .int(Int64(ttl))])
        resolveDependents(of: task.id, succeeded: false, now: now)
    }
}
