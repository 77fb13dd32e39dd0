import FlotillaCore
import FlotillaEngine
import FlotillaStore
import FlotillaWorkflows
import Foundation
import Testing

/// Applying, replacing, listing and deleting workflows; the registry survives a restart.
@Suite(.timeLimit(.minutes(1))) struct WorkflowRegistryTests {
    static let ship = """
        name: ship
        description: Build and deploy.
        inputs:
          branch: {type: string, default: main, description: what to build}
        on:
          webhook: {github: [push, pull_request]}
          schedule: "*/15 * * * *"
          event: {type: task.succeeded, task_type: deployment.deploy}
          mqtt: "{swarm}/deployment/status"
        steps:
          build: {type: build.run}
          deploy: {type: deployment.deploy, needs: build, if: "inputs.branch == 'main'", on_failure: [rollback]}
          rollback: {type: deployment.rollback}
        """

    @Test("apply registers version 1, a second apply replaces it as version 2; delete keeps the runs")
    func applyReplaceDelete() async throws {
        let path = EngineHarness.temporaryDatabase()
        try await EngineHarness.run(path: path) { engine in
            let (first, created) = try await engine.applyWorkflow(source: Self.ship, file: "ship.yaml")
            #expect(created && first.version == 1 && first.name == "ship")
            let json = first.json
            #expect(json["description"] == "Build and deploy." && json["file"] == "ship.yaml" && json.objectValue?.keys.contains("source") == false)
            #expect(json["inputs"] == [["name": "branch", "type": "string", "required": false, "default": "main", "description": "what to build"]])
            let triggers = try #require(json["triggers"]?.arrayValue)
            #expect(triggers.map { $0["kind"] } == ["webhook", "schedule", "event", "mqtt"])
            #expect(triggers[0] == ["kind": "webhook", "text": "github: push, pull_request", "path": "/hooks/github/ship"])
            #expect(triggers[1]["text"] == "*/15 * * * * (UTC)" && triggers[1]["next_at"]?.stringValue != nil)
            #expect(triggers[2]["text"] == "task.succeeded task_type=deployment.deploy")
            #expect(triggers[3]["text"] == "{swarm}/deployment/status")
            #expect(json["steps"]?.arrayValue?[1] == ["id": "deploy", "type": "deployment.deploy", "role": nil, "needs": ["build"], "on_failure": ["rollback"], "if": "inputs.branch == 'main'", "matrix": false])
            #expect(json["last_run"] == .null && json["runs"] == ["running": 0, "succeeded": 0, "failed": 0, "cancelled": 0])
            #expect(first.json(includingSource: true)["source"] == .string(Self.ship))

            let (second, replaced) = try await engine.applyWorkflow(source: Self.ship.replacingOccurrences(of: "Build and deploy.", with: "v2"), file: "ship.yaml")
            #expect(!replaced && second.version == 2 && second.appliedAt == first.appliedAt && second.updatedAt >= first.updatedAt)
            #expect(second.definition.description == "v2")
            #expect(try await engine.workflows().map(\.name) == ["ship"])
            #expect(engine.registeredWorkflows().map(\.description) == ["v2"])

            let run = try await engine.startRun(workflow: "ship", inputs: [:], trigger: ["kind": "manual"]).run
            let listed = try await engine.workflow(name: "ship")
            #expect(listed.lastRun?.id == run.id && listed.runCounts[.running] == 1)
            #expect(listed.json["last_run"]?.objectValue?.keys.contains("steps") == false)
            try await engine.deleteWorkflow(name: "ship")
            #expect(engine.registeredWorkflows().isEmpty)
            #expect(try await engine.workflowRun(id: run.id).workflow == "ship")
            _ = try await engine.cancelRun(id: run.id, reason: "test over")
        }
    }

    @Test("a file that does not parse is refused at its line and column, and nothing is registered")
    func badFileRefused() async throws {
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            do {
                _ = try await engine.applyWorkflow(source: "name: loop\nsteps:\n  a: {type: t, needs: b}\n  b: {type: t, needs: a}\n", file: "loop.yaml")
                Issue.record("a cycle was accepted")
            } catch let error as WorkflowError {
                #expect(error.code == .cycle && error.field == "loop.yaml:3:3")
            }
            #expect(try await engine.workflows().isEmpty)
        }
    }

    @Test("registered workflows are read back from the store by a new engine")
    func registrySurvivesRestart() async throws {
        let path = EngineHarness.temporaryDatabase()
        try await EngineHarness.run(path: path) { engine in
            _ = try await engine.applyWorkflow(source: Self.ship, file: "ship.yaml")
            _ = try await engine.applyWorkflow(source: Self.ship, file: "ship.yaml")
        }
        try await EngineHarness.run(path: path) { engine in
            let workflow = try await engine.workflow(name: "ship")
            #expect(workflow.version == 2 && workflow.source == Self.ship)
            #expect(engine.registeredWorkflows().map(\.name) == ["ship"])
        }
    }
}
