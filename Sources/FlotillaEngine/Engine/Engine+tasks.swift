public import FlotillaCore
public import FlotillaStore
import ServiceLifecycle

extension Engine {
    /// Admits a batch of tasks; returns once they are durable.
    public func submit(_ specs: [TaskSpec]) async throws -> [Scheduler.Submitted] {
        let facts = try await storedFacts(for: specs)
        let submitted = try await mutate { scheduler, now in
            try scheduler.submit(specs, facts: facts, now: now)
        }
        // An idempotent repeat answers with the stored task as it is now.
        var out = submitted
        for index in out.indices where !out[index].created {
            let id = out[index].task.id
            if let live = inspect({ $0.task(id) }) {
                out[index].task = live
            } else if let stored = try await store.task(id: id) {
                out[index].task = stored
            }
        }
        return out
    }

    /// Looks up in the store what the batch refers to and memory does not hold: dependencies,
    /// client-chosen ids and idempotency keys.
    private func storedFacts(for specs: [TaskSpec]) async throws -> StoredFacts {
        var referenced = Set(specs.flatMap(\.dependsOn))
        referenced.formUnion(specs.compactMap(\.id))
        let keys = Set(specs.compactMap(\.idempotencyKey))
        if referenced.isEmpty && keys.isEmpty { return StoredFacts() }
        let (unknownIDs, unknownKeys) = inspect { scheduler in
            (referenced.filter { scheduler.task($0) == nil }, keys.filter { scheduler.taskID(forIdempotencyKey: $0) == nil })
        }
        var facts = StoredFacts()
        facts.states = try await store.taskStates(ids: Array(unknownIDs))
        for key in unknownKeys {
            if let record = try await store.task(idempotencyKey: key) { facts.byIdempotencyKey[key] = record }
        }
        return facts
    }

    /// A task with its attempt history, from memory when in flight, else from the store.
    public func task(id: String) async throws -> (TaskRecord, [AttemptRecord]) {
        let live = inspect { scheduler -> (TaskRecord, AttemptRecord?)? in
            scheduler.task(id).map { ($0, scheduler.currentAttempt(id)) }
        }
        var history = try await store.attempts(taskID: id)
        if let (record, current) = live, await settled() {
            if let current, !history.contains(where: { $0.number == current.number }) { history.append(current) }
            return (record, history)
        }
        guard let stored = try await store.task(id: id) else { throw FlotillaError.taskNotFound(id) }
        return (stored, history)
    }

    /// A page of tasks from the store, in-flight ones as memory holds them.
    public func tasks(_ query: TaskQuery) async throws -> [TaskRecord] {
        let stored = try await store.tasks(query)
        // In-flight tasks may be newer in memory than in the last commit.
        let live = inspect { scheduler in stored.map { scheduler.task($0.id) ?? $0 } }
        return await settled() ? live : stored
    }

    /// Waits until what memory held a moment ago is durable: true once every change queued
    /// before this call committed, false when one failed (memory is then rebuilt from the
    /// store, which is the truth). Reads from memory wait for it, so no one sees a change that
    /// might not commit.
    func settled() async -> Bool {
        guard !storeHealth.isFailed else { return false }
        do {
            try await commits.commit([])
            return true
        } catch {
            return false
        }
    }

    /// Cancels an unfinished task (its agent is told to stop); returns it once durable.
    public func cancel(id: String, reason: String) async throws -> TaskRecord {
        if inspect({ $0.task(id) }) == nil, let stored = try await store.task(id: id) {
            throw FlotillaError(.invalidState, "Task \(id) is already \(stored.state.rawValue); only unfinished tasks can be cancelled.")
        }
        return try await mutate { scheduler, now in try scheduler.cancel(id, reason: reason, now: now) }
    }

    /// Puts a finished (dead, failed, cancelled) task back in line with a fresh attempt budget;
    /// returns it once durable.
    public func retry(id: String) async throws -> TaskRecord {
        let inMemory = inspect { $0.task(id) }
        let stored = inMemory == nil ? try await store.task(id: id) : nil
        let dependencies = (inMemory ?? stored)?.spec.dependsOn ?? []
        let facts = StoredFacts(states: try await store.taskStates(ids: dependencies))
        return try await mutate { scheduler, now in
            try scheduler.retry(id, stored: stored, facts: facts, now: now)
        }
    }

    /// Waits up to `timeout` seconds for the task to reach a final state; returns it as it is then.
    public func wait(id: String, timeout: Double) async throws -> TaskRecord {
        let token = waiters.register(id)
        let current: TaskRecord
        do {
            current = try await task(id: id).0
        } catch {
            waiters.end(id: id, token: token)
            throw error
        }
        if current.state.isFinal || timeout <= 0 {
            waiters.end(id: id, token: token)
            return current
        }
        // A hub shutting down answers with the task as it is now: the server's graceful shutdown
        // waits for open requests, and a long poll would hold it for the rest of its wait.
        let finished = await withGracefulShutdownHandler {
            await waiters.wait(for: id, token: token, timeout: timeout)
        } onGracefulShutdown: {
            self.waiters.end(id: id, token: token)
        }
        if let finished { return finished }
        return try await task(id: id).0
    }

    /// The known agents, by id.
    public func agents() -> [AgentSlot] {
        inspect { Array($0.agents.values) }.sorted { $0.registration.id < $1.registration.id }
    }

    /// One agent, or `agent_not_found`.
    public func agent(id: String) throws(FlotillaError) -> AgentSlot {
        guard let slot = inspect({ $0.agent(id) }) else {
            throw FlotillaError(.agentNotFound, "No agent has id '\(id)'.", field: "id")
        }
        return slot
    }
}

extension Engine {
    /// Why a queued task waits, or nil when it is not queued (in memory) now.
    public func waitingReasons(_ id: String) -> [WaitingReason]? {
        inspect { $0.waitingReasons(id, now: Timestamp.now()) }
    }

    /// Committed events with `seq > after`, oldest first, from the store: what a subscriber
    /// resuming from its last event id reads before the live stream.
    public func storedEvents(after seq: Int64, limit: Int) async throws -> [EventRecord] {
        try await store.events(after: seq, limit: limit)
    }

    /// A task as the store holds it (the last committed state), nil when there is none.
    public func storedTask(id: String) async throws -> TaskRecord? {
        try await store.task(id: id)
    }
}
