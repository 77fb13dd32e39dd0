import FlotillaCore
import FlotillaEngine
import FlotillaStore
import Foundation
import Synchronization
import Testing

/// The step gate (Engine+stepGate.swift): a held step end keeps the run's dependents waiting;
/// a release moves the run on with what the holder says, also across a restart.
@Suite(.timeLimit(.minutes(1))) struct StepGateTests {
    static let chain = """
        name: gated
        steps:
          a: {type: a.run}
          b: {type: b.run, needs: a, payload: {merged: "${{ steps.a.result.merged_commit }}"}}
        """

    /// What a holder keeps: the held tasks, in order.
    final class Holder: Sendable {
        let held = Mutex<[TaskRecord]>([])
        /// Holds step `a`'s ends of runs named here (nil: of every run).
        let runs = Mutex<Set<String>?>(nil)

        func gate(_ task: TaskRecord) -> Bool {
            guard task.spec.type == "a.run", task.state == .succeeded else { return false }
            guard let key = task.spec.idempotencyKey else { return false }
            if let runs = runs.withLock({ $0 }), !runs.contains(where: { key.hasPrefix("wf:\($0):") }) { return false }
            held.withLock { $0.append(task) }
            return true
        }

        func waitHeld(_ count: Int = 1) async throws -> TaskRecord {
            try await eventuallyValue("\(count) held end(s)") { self.held.withLock { $0.count >= count ? $0[count - 1] : nil } }
        }
    }

    @Test("a held end keeps b waiting while other runs go on; the release carries a changed result to b")
    func holdThenRelease() async throws {
        let holder = Holder()
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase(), beforeServices: { $0.holdStepEnds(holder.gate) }) { engine in
            let agent = try await StepAgent(engine: engine, roles: ["general"]) { _ in .succeed(["n": 1]) }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.chain, file: "gated.yaml")
                let gated = try await engine.startRun(workflow: "gated", inputs: [:], trigger: ["kind": "manual"]).run
                holder.runs.withLock { $0 = [gated.id] }
                let held = try await holder.waitHeld()
                #expect(held.spec.idempotencyKey == "wf:\(gated.id):a")

                // A run the gate lets through goes to its end: the runtime's rounds went on,
                // and the held run saw nothing of its ended task.
                let free = try await engine.startRun(workflow: "gated", inputs: [:], trigger: ["kind": "manual"]).run
                #expect(try await engine.finished(free.id).status == .succeeded)
                let waiting = try await engine.workflowRun(id: gated.id)
                #expect(waiting.status == .running)
                #expect(waiting.steps?.first { $0.id == "a" }?.status == "running")
                #expect(waiting.steps?.first { $0.id == "b" }?.status == "pending")
                #expect(!agent.assignments.contains { $0.spec.idempotencyKey == "wf:\(gated.id):b" })

                var released = held
                released.result = ["n": 1, "merged_commit": "c0ffee"]
                engine.releaseStepEnd(released)
                let run = try await engine.finished(gated.id)
                #expect(run.status == .succeeded)
                let b = try #require(agent.assignments.first { $0.spec.idempotencyKey == "wf:\(gated.id):b" })
                #expect(b.spec.payload["merged"] == "c0ffee")
            }
        }
    }

    @Test("a held end released as failed fails the step: its dependents never start")
    func releaseAsFailed() async throws {
        let holder = Holder()
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase(), beforeServices: { $0.holdStepEnds(holder.gate) }) { engine in
            let agent = try await StepAgent(engine: engine, roles: ["general"]) { _ in .succeed(["n": 1]) }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.chain, file: "gated.yaml")
                let gated = try await engine.startRun(workflow: "gated", inputs: [:], trigger: ["kind": "manual"]).run
                var released = try await holder.waitHeld()
                released.state = .failed
                released.error = "merge conflict in notes.txt; 3 fixes failed"
                engine.releaseStepEnd(released)
                let run = try await engine.finished(gated.id)
                #expect(run.status == .failed)
                #expect(run.steps?.first { $0.id == "a" }?.error?["message"] == "merge conflict in notes.txt; 3 fixes failed")
                #expect(!agent.assignments.contains { $0.spec.type == "b.run" })
            }
        }
    }

    @Test("after a restart the held end comes through the gate again; its release moves the run on, and its result survives another restart")
    func heldAcrossRestart() async throws {
        let path = EngineHarness.temporaryDatabase()
        let first = Holder()
        let runID = try await EngineHarness.run(path: path, beforeServices: { $0.holdStepEnds(first.gate) }) { engine in
            let agent = try await StepAgent(engine: engine, roles: ["general"]) { _ in .succeed(["n": 1]) }
            return try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.chain, file: "gated.yaml")
                let run = try await engine.startRun(workflow: "gated", inputs: [:], trigger: ["kind": "manual"]).run
                _ = try await first.waitHeld()
                return run.id
            }
        }
        let second = Holder()
        try await EngineHarness.run(path: path, beforeServices: { $0.holdStepEnds(second.gate) }) { engine in
            let agent = try await StepAgent(engine: engine, roles: ["general"]) { _ in .succeed(["n": 2]) }
            try await agent.serving {
                var held = try await second.waitHeld()
                #expect(held.spec.idempotencyKey == "wf:\(runID):a")
                let waiting = try await engine.workflowRun(id: runID)
                #expect(waiting.steps?.first { $0.id == "b" }?.status == "pending")
                held.result = ["n": 1, "merged_commit": "beef"]
                engine.releaseStepEnd(held)
                #expect(try await engine.finished(runID).status == .succeeded)
                #expect(agent.assignments.map(\.spec.type) == ["b.run"])
                #expect(agent.assignments.first?.spec.payload["merged"] == "beef")
            }
        }
        // The released result is the run's, not the task row's: read back after a restart.
        try await EngineHarness.run(path: path) { engine in
            let run = try await engine.workflowRun(id: runID)
            #expect(run.steps?.first { $0.id == "a" }?.tasks.first?.result?["merged_commit"] == "beef")
        }
    }
}
