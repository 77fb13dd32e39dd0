import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Testing

/// The engine alone, no network: an agent connection whose outbox is a collector, a task from
/// submission to its `task.succeeded` event, and the same store file reopened.
@Suite(.timeLimit(.minutes(1))) struct EngineLifecycleTests {
    private static func register(_ session: AgentSession, as id: String, outbox: CollectingOutbox) async throws {
        session.handle(Envelope(id: "reg-\(id)", type: .register, agentID: id, payload: [
            "roles": ["general"], "capabilities": [], "concurrency": 1, "executor": "test", "version": "test",
        ]))
        let registered = try await outbox.next(.registered)
        #expect(registered.payload["agent_id"]?.stringValue == id)
        session.handle(Envelope(id: "ready-\(id)", type: .ready, agentID: id))
        _ = try await outbox.next(.ack)
    }

    /// With SQLite's commit thread, and with a store driven only through the asynchronous
    /// protocol (as a networked database would be).
    @Test(arguments: [false, true])
    func submitAssignCompleteReachesStoreSubscriberAndWaiter(awaiting: Bool) async throws {
        let path = EngineHarness.temporaryDatabase()
        let taskID = try await EngineHarness.run(path: path, awaiting: awaiting) { engine in
            let outbox = CollectingOutbox()
            let session = engine.openSession(identity: .admin(tokenID: "test"), outbox: outbox, logger: .init(label: "test"))
            try await Self.register(session, as: "worker-1", outbox: outbox)
            #expect(engine.agents().map(\.registration.id) == ["worker-1"])

            let succeeded = engine.events.subscribe(where: { $0.type == "task.succeeded" })
            let submitted = try await engine.submit([try TaskSpec(json: ["type": "test", "role": "general"])])
            let id = try #require(submitted.first?.task.id)
            // Registered before the task finishes: the waiter must be woken by the completion.
            async let waited = engine.wait(id: id, timeout: 20)

            let assignment = try await outbox.next(.assignment)
            #expect(assignment.payload["task_id"]?.stringValue == id)
            let attempt = try #require(assignment.payload["attempt"]?.intValue)
            session.handle(Envelope(id: "acc", type: .accept, agentID: "worker-1", payload: ["task_id": .string(id), "attempt": .int(attempt)]))
            session.handle(Envelope(id: "done", type: .complete, agentID: "worker-1", payload: ["task_id": .string(id), "attempt": .int(attempt), "result": ["ok": true]]))
            let acks = try await (outbox.next(.ack), outbox.next(.ack))
            #expect(acks.0.payload["ref"]?.stringValue == "acc" && acks.1.payload["ref"]?.stringValue == "done")

            var events = succeeded.makeAsyncIterator()
            let event = try #require(await events.next())
            #expect(event.taskID == id)
            let woken = try await waited
            #expect(woken.state == .succeeded)
            let (stored, attempts) = try await engine.task(id: id)
            #expect(stored.state == .succeeded && attempts.count == 1)
            session.closed()
            return id
        }
        // The store itself, read without the engine: the success is durable.
        let store = try SQLiteStore(configuration: .init(path: path))
        #expect(try await store.task(id: taskID)?.state == .succeeded)
    }

    @Test func reopenedEngineKeepsTheQueuedTask() async throws {
        let path = EngineHarness.temporaryDatabase()
        let id = try await EngineHarness.run(path: path) { engine in
            try #require(try await engine.submit([try TaskSpec(json: ["type": "test", "role": "general"])]).first?.task.id)
        }
        try await EngineHarness.run(path: path) { engine in
            let (task, _) = try await engine.task(id: id)
            #expect(task.state == .queued)
            // And still assignable: an agent that registers now gets it.
            let outbox = CollectingOutbox()
            let session = engine.openSession(identity: .admin(tokenID: "test"), outbox: outbox, logger: .init(label: "test"))
            try await Self.register(session, as: "worker-2", outbox: outbox)
            let assignment = try await outbox.next(.assignment)
            #expect(assignment.payload["task_id"]?.stringValue == id)
            session.closed()
        }
    }
}
