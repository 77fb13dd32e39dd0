import Testing
@testable import FlotillaCore

/// Deterministic timing for scheduler tests: no jitter, 1 s, 2 s, 4 s, ... capped at 10 s.
let fixedBackoff = Backoff(base: 1, cap: 10, jitter: 0)

func makeScheduler(lease: Double = 30, aging: Double = 60, backoff: Backoff = fixedBackoff) -> Scheduler {
    Scheduler(policy: SchedulerPolicy(leaseDuration: lease, agingInterval: aging, backoff: backoff))
}

/// A spec with a client-chosen id so tests can name tasks.
func spec(
    _ id: String?,
    type: String = "code.generate",
    role: String? = nil,
    capabilities: [String] = [],
    priority: Priority = .normal,
    dependsOn: [String] = [],
    timeout: Int? = nil,
    maxAttempts: Int = 3,
    key: String? = nil
) -> TaskSpec {
    TaskSpec(
        id: id, type: type, role: role, capabilities: capabilities, priority: priority,
        dependsOn: dependsOn, timeoutSeconds: timeout, maxAttempts: maxAttempts, idempotencyKey: key
    )
}

/// Runs `body` and returns the ``FlotillaError`` it threw, nil if it did not throw. Any other
/// error is recorded as an issue.
func caught<T>(_ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation) -> FlotillaError? {
    do {
        _ = try body()
        return nil
    } catch let error as FlotillaError {
        return error
    } catch {
        Issue.record("expected a FlotillaError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// An assignment or cancel message as the tests look at it.
struct Sent: Equatable, CustomStringConvertible {
    var connection: Int
    var agentID: String?
    var taskID: String
    var attempt: Int
    var description: String { "\(agentID ?? "?")@\(connection):\(taskID)#\(attempt)" }
}

extension Scheduler.Effects {
    private func sent(_ type: MessageType) -> [Sent] {
        outbound.filter { $0.envelope.type == type }.map { message in
            Sent(
                connection: message.connection,
                agentID: message.envelope.agentID,
                taskID: message.envelope.payload["task_id"]?.stringValue ?? "",
                attempt: Int(message.envelope.payload["attempt"]?.intValue ?? -1)
            )
        }
    }

    var assignments: [Sent] { sent(.assignment) }
    var cancels: [Sent] { sent(.cancel) }

    /// Attempt records written, in order.
    var savedAttempts: [AttemptRecord] {
        writes.compactMap { if case .saveAttempt(let attempt) = $0 { attempt } else { nil } }
    }

    var insertedTasks: [TaskRecord] {
        writes.compactMap { if case .insertTask(let task) = $0 { task } else { nil } }
    }

    func events(_ type: String) -> [EventRecord] { events.filter { $0.type == type } }
}

extension Scheduler {
    /// Registers an agent on a fresh connection and (by default) marks it ready.
    @discardableResult
    mutating func join(
        _ id: String, roles: [String] = ["general"], capabilities: [String] = [], concurrency: Int = 1,
        ready isReady: Bool = true, now: Double
    ) -> Int {
        let connection = openConnection()
        _ = register(AgentRegistration(id: id, roles: roles, capabilities: capabilities, concurrency: concurrency), connection: connection, now: now)
        if isReady { _ = ready(agentID: id, now: now) }
        return connection
    }

    /// Submits specs as one batch, no stored facts.
    @discardableResult
    mutating func add(_ specs: TaskSpec..., now: Double) throws(FlotillaError) -> [Submitted] {
        try submit(specs, now: now)
    }

    /// Reports on the task's current attempt (as its holder).
    @discardableResult
    mutating func send(_ kind: AttemptReport.Kind, on taskID: String, by agentID: String, attempt: Int? = nil, now: Double) throws(FlotillaError) -> ReportOutcome {
        let number = attempt ?? task(taskID)?.attempt ?? 0
        return try report(AttemptReport(taskID: taskID, attempt: number, kind: kind), from: agentID, now: now)
    }

    @discardableResult
    mutating func complete(_ taskID: String, by agentID: String, attempt: Int? = nil, now: Double) throws(FlotillaError) -> ReportOutcome {
        try send(.complete(result: ["ok": true]), on: taskID, by: agentID, attempt: attempt, now: now)
    }

    @discardableResult
    mutating func fail(_ taskID: String, by agentID: String, retryable: Bool = true, now: Double) throws(FlotillaError) -> ReportOutcome {
        try send(.fail(error: "boom", retryable: retryable, result: nil), on: taskID, by: agentID, now: now)
    }

    /// Task ids the agent holds, sorted.
    func held(by agentID: String) -> [String] { agent(agentID)?.held.sorted() ?? [] }
}
