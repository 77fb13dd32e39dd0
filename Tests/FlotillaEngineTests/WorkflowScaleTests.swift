import FlotillaCore
import FlotillaEngine
import FlotillaStore
import FlotillaWorkflows
import Foundation
import Testing

/// A wide run at scale: a 1,000-step DAG (one root, 998 steps after it, one step after them
/// all) finishes with every step's task run once.
@Suite(.timeLimit(.minutes(2))) struct WorkflowScaleTests {
    static func wide(_ count: Int) -> String {
        var yaml = "name: wide\nsteps:\n  root: {type: w.run}\n"
        for index in 0..<(count - 2) { yaml += "  s\(index): {type: w.run, needs: root}\n" }
        yaml += "  sink: {type: w.run, needs: [\((0..<(count - 2)).map { "s\($0)" }.joined(separator: ", "))]}\n"
        return yaml
    }

    @Test("a 1,000-step wide run succeeds, each step's task once")
    func wideRun() async throws {
        let path = EngineHarness.temporaryDatabase()
        let runID = try await EngineHarness.run(path: path) { engine in
            let agent = try await StepAgent(engine: engine) { _ in .succeed(["ok": true]) }
            return try await agent.serving {
                _ = try await engine.applyWorkflow(source: Self.wide(1000), file: "wide.yaml")
                let run = try await engine.startRun(workflow: "wide", inputs: [:], trigger: ["kind": "manual"]).run
                let done = try await engine.finished(run.id, within: 60)
                #expect(done.status == .succeeded && done.progress.succeeded == 1000)
                let keys = agent.assignments.compactMap(\.spec.idempotencyKey)
                #expect(keys.count == 1000 && Set(keys).count == 1000)
                return run.id
            }
        }
        // The stored state holds no task results (they are in the tasks' rows), so a round's
        // save stays small; the results are read back from the tasks.
        let store = try SQLiteStore(configuration: .init(path: path))
        let row = try #require(try await store.workflowRun(id: runID))
        #expect(!row.state.contains("\"ok\"") && row.state.utf8.count < 1000 * 250, "\(row.state.utf8.count) bytes")
        try await EngineHarness.run(path: path) { engine in
            let run = try await engine.workflowRun(id: runID)
            #expect(run.steps?.first?.tasks.first?.result == ["ok": true])
        }
    }
}
