import FlotillaCore
import FlotillaEngine
import FlotillaStore
import FlotillaWorkflows
import Foundation
import Testing

/// Runs are durable: an engine stopped mid-run and reopened on the same SQLite file carries on
/// from the store, and every step's task is submitted once.
@Suite(.timeLimit(.minutes(1))) struct WorkflowRestartTests {
    /// `a` and `c` go to general agents, `b` to testing ones: with no testing agent, the run
    /// stops at `b`, its task queued, which is where the first engine stops.
    static let chain = """
        name: chain
        steps:
          a: {type: a.run}
          b: {type: testing.run, needs: a, payload: {from_a: "${{ steps.a.result.n }}"}}
          c: {type: c.run, needs: b, prompt: "b gave ${{ steps.b.result.n }}"}
        """

    /// The first engine: the run starts, `a` succeeds, `b` is submitted and waits.
    private static func startAndStopAtB(path: String) async throws -> String {
        try await EngineHarness.run(path: path) { engine in
            let agent = try await StepAgent(engine: engine, roles: ["general"]) { _ in .succeed(["n": 1]) }
            return try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.chain, file: "chain.yaml")
                let run = try await engine.startRun(workflow: "chain", inputs: [:], trigger: ["kind": "manual"]).run
                _ = try await eventuallyValue("step b started") {
                    try await engine.workflowRun(id: run.id).steps?.first { $0.id == "b" && $0.status == "running" }
                }
                return run.id
            }
        }
    }

    /// The run's tasks in the store, by idempotency key, and their attempts.
    private static func tasks(of runID: String, path: String) async throws -> [String: (TaskRecord, [AttemptRecord])] {
        let store = try SQLiteStore(configuration: .init(path: path))
        var out: [String: (TaskRecord, [AttemptRecord])] = [:]
        for task in try await store.tasks(TaskQuery(limit: 1000)) {
            guard let key = task.spec.idempotencyKey, key.hasPrefix("wf:\(runID):") else { continue }
            #expect(out[key] == nil, "two tasks for \(key)")
            out[key] = (task, try await store.attempts(taskID: task.id))
        }
        return out
    }

    @Test("stopped with a step's task queued, the reopened engine runs it and the rest, each step once")
    func resumesAfterRestart() async throws {
        let path = EngineHarness.temporaryDatabase()
        let runID = try await Self.startAndStopAtB(path: path)
        let run = try await EngineHarness.run(path: path) { engine in
            #expect(engine.registeredWorkflows().map(\.name) == ["chain"])
            let agent = try await StepAgent(engine: engine) { assignment in .succeed(["n": 2]) }
            return try await agent.serving {
                let run = try await engine.finished(runID)
                #expect(agent.assignments.map(\.spec.type) == ["testing.run", "c.run"])
                #expect(agent.assignments.first?.spec.payload == ["from_a": 1])
                #expect(agent.assignments.last?.spec.prompt == "b gave 2")
                return run
            }
        }
        #expect(run.status == .succeeded)
        let tasks = try await Self.tasks(of: runID, path: path)
        #expect(tasks.keys.sorted() == ["wf:\(runID):a", "wf:\(runID):b", "wf:\(runID):c"])
        #expect(tasks.values.allSatisfy { $0.0.state == .succeeded && $0.1.count == 1 })
    }

    @Test("a step's task that ended just before the stop, its end not yet recorded in the run, is picked up at start")
    func reconcilesAnEndCommittedBeforeTheStop() async throws {
        let path = EngineHarness.temporaryDatabase()
        let runID = try await Self.startAndStopAtB(path: path)
        // What a kill -9 leaves when it lands between the commit of b's success and the
        // runtime's round that records it: the task succeeded, the run still has b running.
        do {
            let store = try SQLiteStore(configuration: .init(path: path))
            var task = try #require(try await store.task(idempotencyKey: "wf:\(runID):b"))
            let now = Timestamp.now()
            task.state = .succeeded
            task.result = ["n": 5]
            task.finishedAt = now
            task.updatedAt = now
            try await store.commit([.updateTask(task)])
        }
        let run = try await EngineHarness.run(path: path) { engine in
            // Only general agents: b must not run again.
            let agent = try await StepAgent(engine: engine, roles: ["general"]) { _ in .succeed(["n": 3]) }
            return try await agent.serving {
                let run = try await engine.finished(runID)
                #expect(agent.assignments.map(\.spec.type) == ["c.run"])
                #expect(agent.assignments.first?.spec.prompt == "b gave 5")
                return run
            }
        }
        #expect(run.status == .succeeded)
        #expect(try run.step("b").tasks.first?.result == ["n": 5])
        let tasks = try await Self.tasks(of: runID, path: path)
        #expect(tasks.count == 3)
    }
}
