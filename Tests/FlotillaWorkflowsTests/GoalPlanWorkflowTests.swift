import FlotillaCore
import Testing
@testable import FlotillaWorkflows

@Suite("Goal plan as a workflow")
struct GoalPlanWorkflowTests {
    static let plan = GoalPlan(summary: "Rate limiting", steps: [
        GoalPlanStep(id: "limiter", title: "Limiter", prompt: "Write a token bucket; keep ${{ inputs.x }} as text.", successCriteria: ["buckets refill", "tests pass"], verify: ["swift build"], role: "coder", complexity: .complex, files: ["Sources/Limits/"]),
        GoalPlanStep(id: "wire", title: "Wire it", prompt: "Use the limiter in routes.", successCriteria: ["429 when over"], needs: ["limiter"]),
        GoalPlanStep(id: "docs", title: "Docs", prompt: "Document it.", successCriteria: ["api.md says so"], needs: ["limiter", "wire"]),
    ])

    @Test("one workflow step per plan step, in order, with needs, role, complexity, verify and the goal's payload")
    func converts() throws {
        let definition = try Self.plan.workflow(name: "goal-g1", repo: "/srv/repo")
        #expect(definition.name == "goal-g1")
        #expect(definition.description == "Rate limiting")
        #expect(definition.steps.map(\.id) == ["limiter", "wire", "docs"])
        #expect(definition.steps.map(\.needs) == [[], ["limiter"], ["limiter", "wire"]])
        let first = definition.steps[0]
        #expect(first.type.source == "goal.step")
        #expect(first.role?.source == "coder")
        #expect(first.complexity == .complex)
        #expect(first.verify.map(\.source) == ["swift build"])
        #expect(first.repo?.source == "/srv/repo")
        #expect(first.location.line == 1 && definition.steps[2].location.line == 3)
    }

    @Test("the run planner starts the first step with the literal prompt (a model's ${{ stays text) and its criteria")
    func runs() throws {
        let definition = try Self.plan.workflow(name: "goal-g1")
        let planner = RunPlanner(definition)
        let plan = planner.plan(WorkflowRunState(runID: "r1"))
        #expect(plan.failures.isEmpty, "\(plan.failures)")
        #expect(plan.starts.map(\.instance.step) == ["limiter"])
        let spec = try #require(plan.starts.first?.spec)
        #expect(spec.type == "goal.step")
        #expect(spec.prompt == "Write a token bucket; keep ${{ inputs.x }} as text.\n\nSuccess criteria:\n- buckets refill\n- tests pass")
        #expect(spec.payload["goal_step"] == "limiter")
        #expect(spec.payload["success_criteria"] == ["buckets refill", "tests pass"])
        #expect(spec.payload["files"] == ["Sources/Limits/"])
        #expect(spec.verify == ["swift build"])
    }

    @Test("a validated plan always converts; a bad workflow name or a cycle built by hand is refused")
    func refusals() throws {
        let json: JSONValue = ["steps": [
            ["id": "a", "title": "A", "prompt": "p", "success_criteria": ["c"]],
            ["id": "b", "title": "B", "prompt": "p", "success_criteria": ["c"], "needs": ["a"]],
        ]]
        let validated = try GoalPlanValidator().validate(json)
        #expect(try validated.workflow(name: "goal-x").steps.count == 2)

        #expect(throws: WorkflowError.self) { try validated.workflow(name: "bad name") }
        let cyclic = GoalPlan(steps: [
            GoalPlanStep(id: "a", title: "A", prompt: "p", successCriteria: ["c"], needs: ["b"]),
            GoalPlanStep(id: "b", title: "B", prompt: "p", successCriteria: ["c"], needs: ["a"]),
        ])
        do {
            _ = try cyclic.workflow(name: "goal-y")
            Issue.record("a cycle converted")
        } catch {
            #expect(error.code == .cycle)
        }
        do {
            _ = try GoalPlan(steps: [GoalPlanStep(id: "a", title: "A", prompt: "p", successCriteria: ["c"], role: "has space")]).workflow(name: "goal-z")
            Issue.record("a bad role converted")
        } catch {
            #expect(error.code == .invalidTask)
        }
    }
}
