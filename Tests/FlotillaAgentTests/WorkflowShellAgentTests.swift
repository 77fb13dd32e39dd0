import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import FlotillaStore
import FlotillaWorkflows
import Foundation
import Testing

/// A workflow run end to end on a real hub, its steps run by real `flotilla agent` processes
/// with the shell executor: a result passed by template into the next step's command, a failed
/// deploy rolled back, every step's task run once.
@Suite(.timeLimit(.minutes(2))) struct WorkflowShellAgentTests {
    static let pipeline = """
        name: pipeline
        steps:
          build:
            type: build.run
            payload: {command: "echo artifact-42"}
          test:
            type: testing.run
            needs: build
            payload:
              command: "case '${{ steps.build.result.output_tail }}' in *artifact-42*) echo tested;; *) exit 1;; esac"
          deploy:
            type: deploy.run
            needs: test
            max_attempts: 1
            payload: {command: "echo deploying; exit 3"}
            on_failure: [rollback]
          rollback:
            type: rollback.run
            payload: {command: "echo 'rolled back: ${{ steps.deploy.error.message }}'"}
        """

    @Test("build → test reads build's output → deploy fails → rollback runs; the run fails, each task ran once")
    func pipelineWithShellAgents() async throws {
        try await LiveHub.run { served, _ in
            let engine = served.hub.engine
            let general = try AgentProcess(["--role", "general", "--executor", "shell", "--agent-id", "wf-general", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            let tester = try AgentProcess(["--role", "testing", "--executor", "shell", "--agent-id", "wf-tester", "--workdir", Paths.temporaryDirectory()], hub: served.baseURL, token: served.adminToken)
            defer {
                general.stop()
                tester.stop()
            }
            _ = try await engine.applyWorkflow(source: Self.pipeline, file: "pipeline.yaml")
            let started = try await engine.startRun(workflow: "pipeline", inputs: [:], trigger: ["kind": "manual"]).run
            let run = try await engine.waitRun(id: started.id, timeout: 60)
            let steps = Dictionary(uniqueKeysWithValues: (run.steps ?? []).map { ($0.id, $0) })
            #expect(run.status == .failed, "\(run.json.jsonString)\n--- general:\n\(general.log)\n--- tester:\n\(tester.log)")
            #expect(steps["build"]?.status == "succeeded" && steps["test"]?.status == "succeeded")
            #expect(steps["deploy"]?.status == "failed" && steps["rollback"]?.status == "succeeded")
            #expect(steps["test"]?.tasks.first?.result?["output_tail"]?.stringValue?.contains("tested") == true)
            let rollback = steps["rollback"]?.tasks.first?.result?["output_tail"]?.stringValue ?? ""
            #expect(rollback.contains("rolled back: ") && rollback.contains("exit code 3"), "\(rollback)")
            // Each step's task once, with one attempt.
            for step in ["build", "test", "deploy", "rollback"] {
                let id = try #require(steps[step]?.tasks.first?.id)
                let (task, attempts) = try await engine.task(id: id)
                #expect(task.spec.idempotencyKey == "wf:\(run.id):\(step)" && attempts.count == 1, "\(step)")
            }
            #expect(try await engine.tasks(TaskQuery(limit: 100)).count == 4)
        }
    }
}
