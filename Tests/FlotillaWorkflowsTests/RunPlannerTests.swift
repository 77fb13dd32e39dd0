import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Run planning")
struct RunPlannerTests {
    static let pipeline = """
    name: pipeline
    inputs:
      branch: {default: main}
    steps:
      build:
        type: build.run
        prompt: "build ${{ inputs.branch }}"
      test: {type: testing.run, needs: build, prompt: "test ${{ steps.build.result.artifact }}"}
      lint: {type: code.lint, needs: build}
      publish: {type: deployment.deploy, needs: [test, lint]}
    """

    @Test("steps start when their needs succeeded, independent ones together")
    func order() throws {
        var run = try RunDriver(Self.pipeline)
        #expect(run.step().starts.map(\.instance.step) == ["build"])
        #expect(run.step().isEmpty)  // build still running: nothing to do
        run.finish("build", .succeeded, result: ["artifact": "app.tar"])
        let second = run.step()
        #expect(second.starts.map(\.instance.step) == ["test", "lint"])
        #expect(second.starts[0].spec.prompt == "test app.tar")
        run.finish("test", .succeeded)
        #expect(run.step().starts.isEmpty)  // publish waits for lint too
        run.finish("lint", .succeeded)
        #expect(run.step().starts.map(\.instance.step) == ["publish"])
        run.finish("publish", .succeeded)
        #expect(run.step().outcome == .succeeded)
    }

    @Test("each task gets an idempotency key from run and step, and metadata naming them")
    func keys() throws {
        var run = try RunDriver(Self.pipeline, inputs: ["branch": "dev"], runID: "run-7")
        let start = try #require(run.step().starts.first)
        #expect(start.idempotencyKey == "wf:run-7:build")
        #expect(start.spec.idempotencyKey == "wf:run-7:build")
        #expect(start.spec.prompt == "build dev")
        #expect(start.spec.type == "build.run")
        #expect(start.spec.metadata == ["workflow": "pipeline", "run": "run-7", "step": "build"])
    }

    @Test("planning is deterministic and never starts a step twice")
    func deterministic() throws {
        var run = try RunDriver(Self.pipeline)
        run.step()
        run.finish("build", .succeeded)
        let first = run.planner.plan(run.state)
        let again = run.planner.plan(run.state)
        #expect(first == again)
        #expect(run.runToEnd() == .succeeded)
        #expect(Set(run.started.map(\.description)).count == run.started.count)
        #expect(run.started.count == 4)
    }

    @Test("a failed need skips what depends on it, naming it; the run fails")
    func needFailed() throws {
        var run = try RunDriver(Self.pipeline)
        let outcome = run.runToEnd { $0.step == "test" ? .failed : .succeeded }
        #expect(outcome == .failed)
        #expect(run.status("lint") == "succeeded")
        #expect(run.skipReason("publish") == .needNotSucceeded(step: "test", outcome: .failure))
        #expect(run.skipReason("publish")?.description == "needed step 'test' failed")
    }

    @Test("a false condition skips the step with the condition as the reason, and its dependents")
    func conditionFalse() throws {
        var run = try RunDriver("""
        name: w
        inputs:
          deploy: {type: boolean, default: false}
        steps:
          build: {type: t}
          deploy: {type: t, needs: build, if: inputs.deploy}
          notify: {type: t, needs: deploy}
          report: {type: t, needs: deploy, if: always()}
        """)
        #expect(run.runToEnd() == .succeeded)
        #expect(run.skipReason("deploy") == .conditionFalse("inputs.deploy"))
        #expect(run.skipReason("notify") == .needNotSucceeded(step: "deploy", outcome: .skipped))
        #expect(run.status("report") == "succeeded")

        var enabled = try RunDriver(run.yaml, inputs: ["deploy": "true"])
        #expect(enabled.runToEnd() == .succeeded)
        #expect(enabled.status("deploy") == "succeeded")
        #expect(enabled.status("notify") == "succeeded")
    }

    @Test("conditions read earlier steps' outcome and result; failure() runs a step after a failure")
    func statusConditions() throws {
        let yaml = """
        name: w
        steps:
          test: {type: t}
          triage: {type: t, needs: test, if: "failure() && steps.test.outcome == 'failure'"}
          ship: {type: t, needs: test, if: "steps.test.result.by == 'test'"}
        """
        var failing = try RunDriver(yaml)
        #expect(failing.runToEnd { _ in .failed } == .failed)
        #expect(failing.status("triage") == "failed")  // it ran (and failed, as every task here)
        #expect(failing.skipReason("ship") == .needNotSucceeded(step: "test", outcome: .failure))

        var passing = try RunDriver(yaml)
        #expect(passing.runToEnd() == .succeeded)
        #expect(passing.skipReason("triage") == .conditionFalse("failure() && steps.test.outcome == 'failure'"))
        #expect(passing.status("ship") == "succeeded")
    }

    @Test("continue_on_error: the failure does not fail the run nor skip what follows")
    func continueOnError() throws {
        let yaml = """
        name: w
        steps:
          flaky: {type: t, continue_on_error: true}
          after: {type: t, needs: flaky, prompt: "${{ steps.flaky.outcome }}/${{ steps.flaky.conclusion }}"}
        """
        var run = try RunDriver(yaml)
        run.step()
        run.finish("flaky", .failed)
        let plan = run.step()
        #expect(plan.starts.first?.spec.prompt == "failure/success")
        run.finish("after", .succeeded)
        #expect(run.step().outcome == .succeeded)

        var strict = try RunDriver(yaml.replacingOccurrences(of: ", continue_on_error: true", with: ""))
        #expect(strict.runToEnd { $0.step == "flaky" ? .failed : .succeeded } == .failed)
        #expect(strict.status("after") == "skipped")
    }

    static let rollback = """
    name: w
    steps:
      deploy: {type: deployment.deploy, on_failure: [rollback]}
      monitor: {type: monitoring.watch, needs: deploy}
      rollback: {type: deployment.rollback, prompt: "undo ${{ steps.deploy.error.code }}"}
    """

    @Test("on_failure: a failed step starts its rollback; a successful one skips it")
    func rollback() throws {
        var failing = try RunDriver(Self.rollback)
        failing.step()
        failing.finish("deploy", .failed)
        let plan = failing.step()
        #expect(plan.starts.map(\.instance.step) == ["rollback"])
        #expect(plan.starts.first?.spec.prompt == "undo boom")
        #expect(plan.skips.map(\.step) == ["monitor"])
        failing.finish("rollback", .succeeded)
        #expect(failing.step().outcome == .failed)  // rolled back, but the deploy failed

        var passing = try RunDriver(Self.rollback)
        #expect(passing.runToEnd() == .succeeded)
        #expect(passing.skipReason("rollback") == .nothingFailed)
        #expect(passing.status("monitor") == "succeeded")
    }

    @Test("matrix: one task per combination, the first dimension slowest, keys by index")
    func matrix() throws {
        var run = try RunDriver("""
        name: w
        steps:
          test:
            type: testing.run
            prompt: "${{ matrix.os }}/${{ matrix.swift }}"
            matrix: {os: [linux, macos], swift: ["6.2", "6.3"]}
          report: {type: t, needs: test, payload: {results: "${{ steps.test.result }}"}}
        """)
        let plan = run.step()
        #expect(plan.starts.map(\.spec.prompt) == ["linux/6.2", "linux/6.3", "macos/6.2", "macos/6.3"])
        #expect(plan.starts.map(\.idempotencyKey) == (0..<4).map { "wf:r1:test:\($0)" })
        #expect(plan.starts[3].matrix == ["os": "macos", "swift": "6.3"])
        #expect(plan.starts[3].spec.metadata?["matrix_index"] == 3)
        for index in 0..<3 { run.finish("test", index, .succeeded, result: .int(Int64(index))) }
        #expect(run.step().starts.isEmpty)  // one task still running
        #expect(run.status("test") == "running")
        run.finish("test", 3, .succeeded, result: 3)
        let next = run.step()
        #expect(next.starts.first?.spec.payload == ["results": [0, 1, 2, 3]])
    }

    @Test("matrix: one failed combination fails the step; a dimension may come from an expression")
    func matrixFailure() throws {
        var run = try RunDriver("""
        name: w
        inputs:
          targets: {default: '["a", "b", "c"]'}
        steps:
          build: {type: t, matrix: {target: "${{ fromJSON(inputs.targets) }}"}, prompt: "${{ matrix.target }}"}
          ship: {type: t, needs: build}
        """)
        #expect(run.step().starts.map(\.spec.prompt) == ["a", "b", "c"])
        run.finish("build", 0, .succeeded)
        run.finish("build", 1, .failed)
        run.finish("build", 2, .succeeded)
        #expect(run.step().skips.map(\.step) == ["ship"])
        #expect(run.status("build") == "failed")
        #expect(run.step().outcome == .failed)

        var notAList = try RunDriver(run.yaml, inputs: ["targets": "{}"])
        let plan = notAList.step()
        #expect(plan.failures.first?.error.code == .matrixTooLarge)
        #expect(plan.skips.map(\.step) == ["ship"])
        #expect(plan.outcome == .failed)
    }

    @Test("cancelling: running tasks are cancelled, pending steps skipped, rollbacks still run")
    func cancel() throws {
        var run = try RunDriver("""
        name: w
        steps:
          deploy: {type: t, on_failure: undo}
          other: {type: t}
          later: {type: t, needs: other}
          cleanup: {type: t, needs: other, if: always()}
          undo: {type: t}
        """)
        run.step()
        run.state.cancelRequested = true
        let plan = run.step()
        #expect(plan.cancels == [InstanceID(step: "deploy"), InstanceID(step: "other")])
        #expect(plan.outcome == nil)
        run.finish("deploy", .cancelled)
        run.finish("other", .cancelled)
        let after = run.step()
        #expect(after.starts.map(\.instance.step) == ["cleanup", "undo"])
        #expect(run.skipReason("later") == .runCancelled)
        run.finish("cleanup", .succeeded)
        run.finish("undo", .succeeded)
        #expect(run.step().outcome == .cancelled)
    }

    @Test("a condition or task that fails to evaluate fails the step, not the planner")
    func evaluationFailure() throws {
        var run = try RunDriver("""
        name: w
        inputs:
          doc: {default: "{"}
        steps:
          a: {type: t, if: "fromJSON(inputs.doc).go"}
          b: {type: "${{ inputs.doc }}"}
          c: {type: t, needs: a}
        """)
        let plan = run.step()
        #expect(plan.failures.map(\.step) == ["a", "b"])
        #expect(plan.failures[0].error.code == .evaluationFailed)
        #expect(plan.failures[1].error.code == .invalidTask)
        #expect(plan.failures[1].error.location?.line == 6)
        #expect(plan.skips.map(\.step) == ["c"])
        #expect(plan.outcome == .failed)
    }

    @Test("inputs: typed, defaulted, required, unknown ones refused")
    func inputs() throws {
        let definition = try parse("""
        name: w
        inputs:
          n: {type: number, required: true}
          dry: {type: boolean, default: true}
          who: {}
        steps: {a: {type: t}}
        """)
        #expect(try definition.resolveInputs(["n": "3"]) == ["n": 3, "dry": true, "who": .null])
        #expect(try definition.resolveInputs(["n": 2.5, "dry": "false", "who": "me"]) == ["n": 2.5, "dry": false, "who": "me"])
        #expect(throws: WorkflowError(.invalidInput, "workflow 'w' needs input 'n': give it with --input n=…", field: "inputs.n")) {
            try definition.resolveInputs([:])
        }
        #expect(throws: WorkflowError.self) { try definition.resolveInputs(["n": "three"]) }
        do {
            _ = try definition.resolveInputs(["n": 1, "dyr": true])
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("did you mean 'dry'"))
        }
    }

    @Test("a wide DAG of 1,000 steps plans all its first tasks in one call")
    func wide() throws {
        var yaml = "name: wide\nsteps:\n  root: {type: t}\n"
        for index in 0..<998 { yaml += "  s\(index): {type: t, needs: root, prompt: \"${{ steps.root.result.by }}\"}\n" }
        yaml += "  sink: {type: t, needs: [\((0..<998).map { "s\($0)" }.joined(separator: ", "))]}\n"
        var run = try RunDriver(yaml)
        run.step()
        run.finish("root", .succeeded, result: ["by": "root"])
        let clock = ContinuousClock()
        var plan = RunPlan()
        let elapsed = clock.measure { plan = run.planner.plan(run.state) }
        #expect(plan.starts.count == 998)
        #expect(plan.starts.allSatisfy { $0.spec.prompt == "root" })
        // Generous for a debug build on a shared machine; the release benchmark is the real bound.
        #expect(elapsed < .seconds(2), "planning took \(elapsed)")
        #expect(run.runToEnd() == .succeeded)
    }
}
