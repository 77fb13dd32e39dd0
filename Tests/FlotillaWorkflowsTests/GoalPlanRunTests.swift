import FlotillaCore
import Testing
@testable import FlotillaWorkflows

/// A goal's plan as its workflow run's source (GoalPlanRun): canonical JSON that rebuilds the
/// same definition, whose step tasks work in the goal's clone from the goal branch and carry
/// the goal in their metadata.
@Suite("Goal plan run")
struct GoalPlanRunTests {
    static let run = GoalPlanRun(goal: "g_00000000000000aa", clone: "/data/goals/g_00000000000000aa/repo", branch: "flotilla/goal-g_00000000000000aa", plan: GoalPlanWorkflowTests.plan)

    @Test("the source is canonical JSON that reads back to the same run, under goal-<id>.plan.json")
    func roundTrip() throws {
        let source = Self.run.source
        #expect(Self.run.file == "goal-g_00000000000000aa.plan.json")
        #expect(source.hasPrefix(#"{"branch":"flotilla/goal-g_00000000000000aa","clone":"/data/goals/g_00000000000000aa/repo","goal":"g_00000000000000aa","plan":{"#))
        #expect(try GoalPlanRun(source: source) == Self.run)
        #expect(try GoalPlanRun(source: source).source == source)
        #expect(try GoalPlanRun.definition(source: source, file: Self.run.file) == Self.run.workflow())
    }

    @Test("each step's task: goal.step in the clone, payload base the goal branch, metadata goal with workflow, run and step")
    func stepTasks() throws {
        let definition = try Self.run.workflow()
        #expect(definition.name == "goal-g_00000000000000aa")
        #expect(definition.file == "goal-g_00000000000000aa.plan.json")
        let planned = RunPlanner(definition).plan(WorkflowRunState(runID: "r1"))
        #expect(planned.failures.isEmpty, "\(planned.failures)")
        let task = try #require(planned.starts.first?.spec)
        #expect(task.type == "goal.step")
        #expect(task.repo == "/data/goals/g_00000000000000aa/repo")
        #expect(task.payload["base"] == "flotilla/goal-g_00000000000000aa")
        #expect(task.payload["goal_step"] == "limiter")
        #expect(task.metadata?["goal"] == "g_00000000000000aa")
        #expect(task.metadata?["step"] == "limiter")
        #expect(task.metadata?["workflow"] == "goal-g_00000000000000aa")
        #expect(task.prompt?.contains("${{ inputs.x }}") == true, "a model's ${{ stays text")
    }

    @Test("a source that is not a goal's plan run is a workflow error")
    func refusals() {
        for source in ["not json", #"{"goal": "g"}"#, #"{"goal": "g", "clone": "/c", "branch": "b", "plan": {"steps": []}}"#] {
            #expect(throws: WorkflowError.self, "\(source)") { try GoalPlanRun(source: source) }
        }
    }
}
