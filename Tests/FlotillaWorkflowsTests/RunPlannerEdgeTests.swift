import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Run planning, edge cases")
struct RunPlannerEdgeTests {
    @Test("a run cancelled before any task ends skips everything and ends cancelled")
    func cancelledAtOnce() throws {
        var run = try RunDriver("name: w\nsteps:\n  a: {type: t}\n  b: {type: t, needs: a}\n")
        run.state.cancelRequested = true
        let plan = run.step()
        #expect(plan.starts.isEmpty)
        #expect(plan.skips.map(\.reason) == [.runCancelled, .runCancelled])
        #expect(plan.outcome == .cancelled)
    }

    @Test("cancelled() is true only in a cancelled run")
    func cancelledFunction() throws {
        let yaml = "name: w\nsteps:\n  a: {type: t}\n  on-cancel: {type: t, needs: a, if: '${{ cancelled() }}'}\n"
        var normal = try RunDriver(yaml)
        #expect(normal.runToEnd() == .succeeded)
        #expect(normal.skipReason("on-cancel") == .conditionFalse("cancelled()"))
        var cancelled = try RunDriver(yaml)
        cancelled.step()
        cancelled.state.cancelRequested = true
        cancelled.finish("a", .cancelled)
        #expect(cancelled.step().starts.map(\.instance.step) == ["on-cancel"])
    }

    @Test("a matrix step under continue_on_error: a failed combination is tolerated")
    func matrixTolerated() throws {
        var run = try RunDriver("""
        name: w
        steps:
          try: {type: t, continue_on_error: true, matrix: {n: [1, 2]}}
          next: {type: t, needs: try, prompt: "${{ steps['try'].outcome }}"}
        """)
        run.step()
        run.finish("try", 0, .failed)
        run.finish("try", 1, .succeeded)
        #expect(run.step().starts.first?.spec.prompt == "failure")
        run.finish("next", .succeeded)
        #expect(run.step().outcome == .succeeded)
    }

    @Test("a task cancelled from outside fails the run and starts the step's rollback")
    func externalCancel() throws {
        var run = try RunDriver("name: w\nsteps:\n  a: {type: t, on_failure: undo}\n  undo: {type: t}\n")
        run.step()
        run.finish("a", .cancelled)
        #expect(run.step().starts.map(\.instance.step) == ["undo"])
        run.finish("undo", .succeeded)
        #expect(run.step().outcome == .failed)
    }

    @Test("a rollback that is itself needed: skipped when nothing failed, and so are its dependents")
    func handlerDependents() throws {
        var run = try RunDriver("""
        name: w
        steps:
          deploy: {type: t, on_failure: rollback}
          rollback: {type: t}
          notify: {type: t, needs: rollback}
          audit: {type: t, needs: rollback, if: always()}
        """)
        #expect(run.runToEnd() == .succeeded)
        #expect(run.skipReason("rollback") == .nothingFailed)
        #expect(run.skipReason("notify") == .needNotSucceeded(step: "rollback", outcome: .skipped))
        #expect(run.status("audit") == "succeeded")
    }

    @Test("trigger data and the run reach templates; task fields are typed")
    func triggerData() throws {
        var run = try RunDriver("""
        name: w
        steps:
          review:
            type: code.review
            role: reviewer
            capabilities: ["${{ trigger.payload.language }}"]
            verify: ["test ${{ run.id }} = ${{ run.workflow }}"]
            repo: "${{ trigger.payload.repository.clone_url }}"
            priority: critical
            complexity: complex
            timeout: 60
            max_attempts: 2
            payload: {pr: "${{ trigger.payload.number }}", title: "PR ${{ trigger.payload.number }}"}
        """, trigger: ["payload": ["number": 42, "language": "swift", "repository": ["clone_url": "https://example.com/r.git"]]], runID: "run-9")
        let spec = try #require(run.step().starts.first?.spec)
        #expect(spec.role == "reviewer")
        #expect(spec.capabilities == ["swift"])
        #expect(spec.verify == ["test run-9 = w"])
        #expect(spec.repo == "https://example.com/r.git")
        #expect(spec.priority == .critical && spec.complexity == .complex)
        #expect(spec.timeoutSeconds == 60 && spec.maxAttempts == 2)
        #expect(spec.payload == ["pr": 42, "title": "PR 42"])
    }

    @Test("a state names its steps' status, outcome and conclusion as expressions read them")
    func stepValues() throws {
        let planner = RunPlanner(try parse("name: w\nsteps:\n  a: {type: t, continue_on_error: true}\n  b: {type: t, matrix: {x: [1, 2]}}\n"))
        let failed = StepRecord.started([InstanceState(.failed, error: ["code": "x"])])
        #expect(planner.stepValue(0, failed) == ["status": "failed", "outcome": "failure", "conclusion": "success", "result": .null, "error": ["code": "x"]])
        let running = StepRecord.started([InstanceState(.succeeded, result: 1), InstanceState(.running)])
        #expect(planner.stepValue(1, running) == ["status": "running", "outcome": .null, "conclusion": .null, "result": [1, .null], "error": [.null, .null]])
        #expect(planner.stepValue(1, .skipped(.nothingFailed))["skip_reason"] == "no step it handles failed")
    }
}
