import FlotillaCore
import FlotillaEngine
import FlotillaStore
import FlotillaWorkflows
import Foundation
import Testing

/// Cancelling and rerunning runs, idempotent starts, and bad requests refused with their codes
/// and nothing changed.
@Suite(.timeLimit(.minutes(1))) struct WorkflowControlTests {
    static let holding = """
        name: hold
        inputs:
          note: {default: first}
        steps:
          slow: {type: slow.run, prompt: "${{ inputs.note }}"}
          after: {type: after.run, needs: slow}
          cleanup: {type: cleanup.run, needs: slow, if: cancelled()}
        """

    @Test("cancelling a run cancels its running task, skips what had not started, and ends it cancelled")
    func cancelRun() async throws {
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { assignment in
                assignment.spec.type == "slow.run" ? .hold : .succeed(["ok": true])
            }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.holding, file: "hold.yaml")
                let log = WorkflowEventLog(engine: engine)
                let started = try await engine.startRun(workflow: "hold", inputs: [:], trigger: ["kind": "manual"]).run
                let slowTask = try await eventuallyValue("the slow step's task running") {
                    agent.assignments.first { $0.spec.type == "slow.run" }?.taskID
                }
                let cancelled = try await engine.cancelRun(id: started.id, reason: "operator said stop")
                #expect(cancelled.status == .cancelled && cancelled.cancelReason == "operator said stop")
                let events = try await log.untilEnd(of: started.id)
                let (task, _) = try await engine.task(id: slowTask)
                #expect(task.state == .cancelled && task.reason == "workflow run cancelled")
                #expect(try cancelled.step("slow").status == "cancelled")
                #expect(try cancelled.step("after").skipReason == "the run was cancelled")
                #expect(try cancelled.step("cleanup").status == "succeeded")
                #expect(events.contains { $0.type == "step.cancelled" && $0.data["step"] == "slow" && $0.taskID == slowTask })
                #expect(events.last?.type == "workflow.cancelled" && events.last?.data["reason"] == "operator said stop")
                // Cancelling again: it has ended.
                await #expect(throws: FlotillaError.self) { try await engine.cancelRun(id: started.id, reason: "again") }
                do {
                    _ = try await engine.cancelRun(id: started.id, reason: "again")
                } catch let error as FlotillaError {
                    #expect(error.code == .workflowRunFinished && error.httpStatus == 409)
                }
                #expect(try await engine.workflowRun(id: started.id).cancelReason == "operator said stop")
            }
        }
    }

    @Test("a rerun is a new run with the same source, inputs and trigger, pointing at the first")
    func rerun() async throws {
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { _ in .succeed(["ok": true]) }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.holding, file: "hold.yaml")
                let first = try await engine.startRun(workflow: "hold", inputs: ["note": "again"], trigger: ["kind": "webhook", "delivery": "d1"]).run
                #expect(try await engine.finished(first.id).status == .succeeded)
                // A later apply does not change what a rerun runs.
                _ = try await engine.applyWorkflow(source: Self.holding.replacingOccurrences(of: "slow.run", with: "other.run"), file: "hold.yaml")
                let second = try await engine.rerun(id: first.id)
                #expect(second.id != first.id && second.rerunOf == first.id)
                #expect(second.inputs == ["note": "again"] && second.trigger == ["kind": "webhook", "delivery": "d1"])
                let done = try await engine.finished(second.id)
                #expect(done.status == .succeeded)
                let slow = agent.assignments.filter { $0.spec.type == "slow.run" }
                #expect(slow.map(\.spec.idempotencyKey) == ["wf:\(first.id):slow", "wf:\(second.id):slow"])
                #expect(slow.map(\.spec.prompt) == ["again", "again"])
            }
        }
    }

    @Test("a trigger key starts one run however often it is given")
    func triggerKeyIsIdempotent() async throws {
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            _ = try await engine.applyWorkflow(source: Self.holding, file: "hold.yaml")
            let key = "generic:hold:delivery-7"
            let results = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        let (run, created) = try await engine.startRun(workflow: "hold", inputs: [:], trigger: ["kind": "webhook"], triggerKey: key)
                        return (run.id, created)
                    }
                }
                var out: [(String, Bool)] = []
                for try await result in group { out.append(result) }
                return out
            }
            #expect(Set(results.map(\.0)).count == 1)
            #expect(results.filter(\.1).count == 1)
            #expect(try await engine.workflowRuns(WorkflowRunQuery(workflow: "hold")).count == 1)
            #expect(try await engine.latestTriggerKey(workflow: "hold", prefix: "generic:hold:") == key)
            #expect(try await engine.latestTriggerKey(workflow: "hold", prefix: "schedule:hold:") == nil)
        }
    }

    @Test("unknown workflows and runs, and bad inputs, are refused with their codes and change nothing")
    func badRequests() async throws {
        let path = EngineHarness.temporaryDatabase()
        try await EngineHarness.run(path: path) { engine in
            _ = try await engine.applyWorkflow(source: """
                name: typed
                inputs:
                  replicas: {type: number, required: true}
                steps:
                  a: {type: a.run}
                """, file: "typed.yaml")
            let refused1 = await flotillaCode { _ = try await engine.startRun(workflow: "nope", inputs: [:], trigger: ["kind": "manual"]) }
            #expect(refused1 == .workflowNotFound)
            let refused2 = await flotillaCode { _ = try await engine.workflow(name: "nope") }
            #expect(refused2 == .workflowNotFound)
            let refused3 = await flotillaCode { try await engine.deleteWorkflow(name: "nope") }
            #expect(refused3 == .workflowNotFound)
            let refused4 = await flotillaCode { _ = try await engine.workflowRun(id: "01nope") }
            #expect(refused4 == .workflowRunNotFound)
            let refused5 = await flotillaCode { _ = try await engine.cancelRun(id: "01nope", reason: "x") }
            #expect(refused5 == .workflowRunNotFound)
            let refused6 = await flotillaCode { _ = try await engine.rerun(id: "01nope") }
            #expect(refused6 == .workflowRunNotFound)
            let refused7 = await flotillaCode { _ = try await engine.waitRun(id: "01nope", timeout: 1) }
            #expect(refused7 == .workflowRunNotFound)
            let missing = await workflowCode { _ = try await engine.startRun(workflow: "typed", inputs: [:], trigger: ["kind": "manual"]) }
            #expect(missing?.0 == .invalidInput && missing?.1 == "inputs.replicas")
            let wrongType = await workflowCode { _ = try await engine.startRun(workflow: "typed", inputs: ["replicas": "many"], trigger: ["kind": "manual"]) }
            #expect(wrongType?.0 == .invalidInput)
            let unknown = await workflowCode { _ = try await engine.startRun(workflow: "typed", inputs: ["replicas": 2, "replica": 3], trigger: ["kind": "manual"]) }
            #expect(unknown?.0 == .invalidInput && unknown?.1 == "inputs.replica")
            let file = await workflowCode { _ = try await engine.startRun(source: "name: x\nsteps:\n  a: {type: t, neds: b}\n", file: "x.yaml", inputs: [:]) }
            #expect(file?.0 == .unknownField && file?.1 == "x.yaml:3:16")
            #expect(try await engine.workflowRuns(WorkflowRunQuery()).isEmpty)
        }
        // Nothing was stored: no run, no task, only the workflow applied.
        let store = try SQLiteStore(configuration: .init(path: path))
        #expect(try await store.workflowRuns(WorkflowRunQuery()).isEmpty)
        #expect(try await store.tasks(TaskQuery()).isEmpty)
        #expect(try await store.workflows().map(\.name) == ["typed"])
    }
}

/// The code of the FlotillaError `body` throws, nil when it throws none (or another error).
private func flotillaCode(_ body: () async throws -> Void) async -> FlotillaErrorCode? {
    do { try await body() } catch let error as FlotillaError { return error.code } catch { return nil }
    return nil
}

/// The code and field of the WorkflowError `body` throws, nil when it throws none.
private func workflowCode(_ body: () async throws -> Void) async -> (WorkflowErrorCode, String?)? {
    do { try await body() } catch let error as WorkflowError { return (error.code, error.field) } catch { return nil }
    return nil
}
