import FlotillaCore
import FlotillaEngine
import Foundation
import Synchronization

/// An agent connected to the engine in-process (its outbox is a collector), speaking the real
/// agent protocol: it takes each assignment and answers as `decide` says. What workflow tests
/// use to run steps' tasks without a network.
final class StepAgent: Sendable {
    enum Answer: Sendable {
        case succeed(JSONValue)
        case fail(String)
        /// Accept and keep it running (a test cancels it).
        case hold
    }

    let id: String
    let outbox = CollectingOutbox()
    let session: AgentSession
    private let decide: @Sendable (TaskAssignment) -> Answer
    /// Every assignment taken, in order.
    private let taken = Mutex<[TaskAssignment]>([])

    init(engine: Engine, id: String = "step-agent", roles: [String] = ["general", "testing", "deployment", "monitoring", "security", "review"], decide: @escaping @Sendable (TaskAssignment) -> Answer) async throws {
        self.id = id
        self.decide = decide
        session = engine.openSession(identity: .admin(tokenID: "test"), outbox: outbox, logger: .init(label: "test"))
        session.handle(Envelope(id: "reg-\(id)", type: .register, agentID: id, payload: [
            "roles": .array(roles.map { .string($0) }), "capabilities": [], "concurrency": 64, "executor": "test", "version": "test",
        ]))
        _ = try await outbox.next(.registered)
        session.handle(Envelope(id: "ready-\(id)", type: .ready, agentID: id))
        _ = try await outbox.next(.ack)
    }

    var assignments: [TaskAssignment] { taken.withLock { $0 } }

    /// Answers assignments until cancelled.
    func serve() async {
        var number = 0
        while !_Concurrency.Task.isCancelled {
            guard let envelope = try? await outbox.next(.assignment, within: 3600) else { return }
            guard let assignment = try? TaskAssignment(payload: envelope.payload) else { continue }
            taken.withLock { $0.append(assignment) }
            number += 1
            let ref: JSONValue = ["task_id": .string(assignment.taskID), "attempt": .int(Int64(assignment.attempt))]
            session.handle(Envelope(id: "acc-\(number)", type: .accept, agentID: id, payload: ref))
            var payload = ref.objectValue ?? [:]
            switch decide(assignment) {
            case .succeed(let result):
                payload["result"] = result
                session.handle(Envelope(id: "done-\(number)", type: .complete, agentID: id, payload: .object(payload)))
            case .fail(let error):
                payload["error"] = .string(error)
                payload["retryable"] = false
                session.handle(Envelope(id: "fail-\(number)", type: .fail, agentID: id, payload: .object(payload)))
            case .hold:
                continue
            }
        }
    }

    /// Runs `body` while the agent serves.
    func serving<Value: Sendable>(_ body: @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.serve() }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
