import FlotillaCore
import FlotillaEngine
import FlotillaStore
import FlotillaWorkflows
import Foundation
import Testing

/// Workflow runs in the engine on a real SQLite file, their tasks run by an in-process agent
/// speaking the agent protocol: how a run proceeds, step by step, and what it emits.
@Suite(.timeLimit(.minutes(1))) struct WorkflowRunTests {
    @Test("needs order the steps, templates pass one step's result to the next, the run succeeds")
    func resultsFlowThroughTemplates() async throws {
        let yaml = """
            name: ship
            inputs:
              branch: {type: string, default: main}
            steps:
              build:
                type: build.run
                prompt: "build ${{ inputs.branch }}"
              test:
                type: testing.run
                needs: build
                payload: {artifact: "${{ steps.build.result.artifact }}", size: "${{ steps.build.result.size }}"}
            """
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { assignment in
                assignment.spec.type == "build.run" ? .succeed(["artifact": "a.tgz", "size": 42]) : .succeed(["ok": true])
            }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: yaml, file: "ship.yaml")
                let log = WorkflowEventLog(engine: engine)
                let (started, created) = try await engine.startRun(workflow: "ship", inputs: ["branch": "dev"], trigger: ["kind": "manual"])
                #expect(created && started.status == .running && started.inputs == ["branch": "dev"])
                let events = try await log.untilEnd(of: started.id)
                let run = try await engine.finished(started.id)
                #expect(run.status == .succeeded)
                let types = agent.assignments.map(\.spec.type)
                #expect(types == ["build.run", "testing.run"])
                #expect(agent.assignments[0].spec.prompt == "build dev")
                #expect(agent.assignments[1].spec.payload == ["artifact": "a.tgz", "size": 42])
                #expect(agent.assignments[1].spec.idempotencyKey == "wf:\(run.id):test")
                let build = try run.step("build")
                #expect(build.status == "succeeded" && build.tasks.first?.result == ["artifact": "a.tgz", "size": 42])
                #expect(build.tasks.first?.state == "succeeded" && build.startedAt != nil && build.endedAt != nil)
                #expect(run.progress.total == 2 && run.progress.succeeded == 2)
                // §3: in order, with their data.
                #expect(events.map(\.type) == ["workflow.started", "step.started", "step.succeeded", "step.started", "step.succeeded", "workflow.succeeded"])
                let buildTask = try #require(build.tasks.first?.id)
                #expect(events[1].data["step"] == "build" && events[1].data["task_ids"] == [.string(buildTask)] && events[1].taskID == buildTask)
                #expect(events[2].data["outcome"] == "success" && events[2].data["conclusion"] == "success")
                #expect(events[0].data == ["run_id": .string(run.id), "workflow": "ship", "trigger_kind": "manual", "status": "running"])
                #expect(events.allSatisfy { $0.agentID == nil })
                #expect(events.last?.data["status"] == "succeeded")
                let listed = try await engine.workflowRuns(WorkflowRunQuery(workflow: "ship"))
                #expect(listed.map(\.id) == [run.id] && listed[0].steps == nil && listed[0].progress.succeeded == 2)
            }
        }
    }

    @Test("a false condition skips the step with its reason, and the steps after it")
    func conditionSkips() async throws {
        let yaml = """
            name: gate
            inputs:
              deploy: {type: boolean, default: false}
            steps:
              test: {type: testing.run}
              deploy: {type: deployment.deploy, needs: test, if: inputs.deploy}
              notify: {type: notify.send, needs: deploy}
              report: {type: report.write, needs: deploy, if: always()}
            """
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { _ in .succeed(["ok": true]) }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: yaml, file: "gate.yaml")
                let log = WorkflowEventLog(engine: engine)
                let started = try await engine.startRun(workflow: "gate", inputs: [:], trigger: ["kind": "manual"]).run
                let events = try await log.untilEnd(of: started.id)
                let run = try await engine.finished(started.id)
                #expect(run.status == .succeeded)
                #expect(try run.step("deploy").status == "skipped")
                #expect(try run.step("deploy").skipReason == "condition false: inputs.deploy")
                #expect(try run.step("deploy").condition == "inputs.deploy")
                #expect(try run.step("notify").skipReason == "needed step 'deploy' was skipped")
                #expect(try run.step("report").status == "succeeded")
                #expect(Set(agent.assignments.map(\.spec.type)) == ["testing.run", "report.write"])
                let skipped = events.filter { $0.type == "step.skipped" }
                #expect(skipped.map { $0.data["step"] } == ["deploy", "notify"])
                #expect(skipped.first?.data["reason"] == "condition false: inputs.deploy" && skipped.first?.taskID == nil)
            }
        }
    }

    @Test("a matrix fans out into one task per combination; the next step reads their results as a list")
    func matrixFansOut() async throws {
        let yaml = """
            name: fan
            steps:
              test:
                type: testing.run
                prompt: "${{ matrix.os }}-${{ matrix.swift }}"
                matrix: {os: [linux, macos], swift: ["6.2", "6.3"]}
              sum:
                type: report.write
                needs: test
                payload: {all: "${{ steps.test.result.*.name }}"}
            """
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { assignment in
                .succeed(["name": .string(assignment.spec.prompt ?? "")])
            }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: yaml, file: "fan.yaml")
                let log = WorkflowEventLog(engine: engine)
                let started = try await engine.startRun(workflow: "fan", inputs: [:], trigger: ["kind": "manual"]).run
                let events = try await log.untilEnd(of: started.id)
                let run = try await engine.finished(started.id)
                #expect(run.status == .succeeded)
                let test = try run.step("test")
                #expect(test.tasks.count == 4)
                #expect(test.tasks.map(\.matrixIndex) == [0, 1, 2, 3])
                #expect(test.tasks[1].matrix == ["os": "linux", "swift": "6.3"])
                let prompts = agent.assignments.filter { $0.spec.type == "testing.run" }.map { $0.spec.prompt ?? "" }
                #expect(Set(prompts) == ["linux-6.2", "linux-6.3", "macos-6.2", "macos-6.3"])
                let keys = Set(agent.assignments.compactMap(\.spec.idempotencyKey))
                #expect(keys.isSuperset(of: (0..<4).map { "wf:\(run.id):test:\($0)" }))
                let sum = agent.assignments.first { $0.spec.type == "report.write" }
                #expect(sum?.spec.payload == ["all": ["linux-6.2", "linux-6.3", "macos-6.2", "macos-6.3"]])
                // Per step, not per combination.
                #expect(events.filter { $0.data["step"] == "test" }.map(\.type) == ["step.started", "step.succeeded"])
                #expect(events.first { $0.type == "step.started" }?.data["task_ids"]?.arrayValue?.count == 4)
            }
        }
    }

    @Test("continue_on_error tolerates a failure: later steps run and the run succeeds")
    func continueOnError() async throws {
        let yaml = """
            name: tolerant
            steps:
              lint: {type: lint.run, continue_on_error: true}
              build: {type: build.run, needs: lint, prompt: "lint said ${{ steps.lint.outcome }}"}
            """
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { assignment in
                assignment.spec.type == "lint.run" ? .fail("3 warnings") : .succeed(["ok": true])
            }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: yaml, file: "tolerant.yaml")
                let log = WorkflowEventLog(engine: engine)
                let started = try await engine.startRun(workflow: "tolerant", inputs: [:], trigger: ["kind": "manual"]).run
                let events = try await log.untilEnd(of: started.id)
                let run = try await engine.finished(started.id)
                #expect(run.status == .succeeded)
                let lint = try run.step("lint")
                #expect(lint.status == "failed" && lint.outcome == "failure" && lint.conclusion == "success")
                #expect(lint.error?["message"] == "failed without retry: 3 warnings" || lint.error?["message"] == "3 warnings")
                #expect(agent.assignments.last?.spec.prompt == "lint said failure")
                let failed = events.first { $0.type == "step.failed" }
                #expect(failed?.data["outcome"] == "failure" && failed?.data["conclusion"] == "success")
            }
        }
    }

    @Test("a failed deploy runs its on_failure rollback, skips what needed it, and fails the run")
    func rollbackOnFailure() async throws {
        let yaml = """
            name: deploy
            steps:
              deploy: {type: deployment.deploy, on_failure: [rollback]}
              monitor: {type: monitoring.watch, needs: deploy}
              rollback: {type: deployment.rollback, prompt: "undo: ${{ steps.deploy.error.message }}"}
            """
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { assignment in
                assignment.spec.type == "deployment.deploy" ? .fail("disk full") : .succeed(["ok": true])
            }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: yaml, file: "deploy.yaml")
                let log = WorkflowEventLog(engine: engine)
                let started = try await engine.startRun(workflow: "deploy", inputs: [:], trigger: ["kind": "manual"]).run
                let events = try await log.untilEnd(of: started.id)
                let run = try await engine.finished(started.id)
                #expect(run.status == .failed)
                #expect(try run.step("rollback").status == "succeeded")
                #expect(try run.step("monitor").status == "skipped")
                #expect(agent.assignments.map(\.spec.type) == ["deployment.deploy", "deployment.rollback"])
                #expect(agent.assignments.last?.spec.prompt?.hasPrefix("undo: ") == true)
                #expect(agent.assignments.last?.spec.prompt?.contains("disk full") == true)
                #expect(events.last?.type == "workflow.failed" && events.last?.data["failed_steps"] == ["deploy"])
            }
        }
    }

    @Test("a step whose matrix does not evaluate fails before any task starts, with its error")
    func failedToStart() async throws {
        let yaml = """
            name: broken
            inputs:
              targets: {default: 'not json'}
            steps:
              pack:
                type: build.package
                matrix: {arch: "${{ fromJSON(inputs.targets) }}"}
              report: {type: report.write, needs: pack, if: always()}
            """
        try await EngineHarness.run(path: EngineHarness.temporaryDatabase()) { engine in
            let agent = try await StepAgent(engine: engine) { _ in .succeed(["ok": true]) }
            try await agent.serving {
                _ = try await engine.applyWorkflow(source: yaml, file: "broken.yaml")
                let log = WorkflowEventLog(engine: engine)
                let started = try await engine.startRun(workflow: "broken", inputs: [:], trigger: ["kind": "manual"]).run
                let events = try await log.untilEnd(of: started.id)
                let run = try await engine.finished(started.id)
                #expect(run.status == .failed)
                let pack = try run.step("pack")
                #expect(pack.status == "failed" && pack.tasks.isEmpty && pack.error?["code"] == "workflow_evaluation_failed")
                #expect(pack.error?["field"]?.stringValue?.hasPrefix("broken.yaml:") == true)
                #expect(agent.assignments.map(\.spec.type) == ["report.write"])
                let failed = try #require(events.first { $0.type == "step.failed" })
                #expect(failed.data["step"] == "pack" && failed.data["task_ids"] == [] && failed.data["error"]?["code"] == "workflow_evaluation_failed")
                #expect(events.last?.data["failed_steps"] == ["pack"])
            }
        }
    }
}
