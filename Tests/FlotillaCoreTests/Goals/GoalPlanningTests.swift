import Testing
@testable import FlotillaCore

/// The planning stage's pure parts (GoalPlanning): the `goal.plan` task, its prompts, the
/// answer read from a task's result, the approval question, `details["planning"]`; and the
/// plan's top-level `verify` with the goal's own (GoalRecord.verifyCommands).
@Suite("Goal planning")
struct GoalPlanningTests {
    static let goal = GoalRecord(id: "g_00000000000000aa", title: "Add rate limiting to the API", repo: "/srv/api", verify: ["swift build"], retries: 2, createdAt: 1, updatedAt: 1)

    @Test("the planning task: planner role in the clone, complex, metadata goal, payload base, key per try and attempt")
    func planTask() throws {
        let task = try GoalPlanning.taskSpec(goal: Self.goal, attempt: 3, prompt: "plan it", role: "planner", repo: "/data/goals/g/repo", base: "main")
        #expect(task.type == "goal.plan")
        #expect(task.role == "planner")
        #expect(task.repo == "/data/goals/g/repo")
        #expect(task.complexity == .complex)
        #expect(task.prompt == "plan it")
        #expect(task.metadata?["goal"] == "g_00000000000000aa")
        #expect(task.payload["base"] == "main")
        #expect(task.idempotencyKey == "goal:g_00000000000000aa:plan:2:3")
    }

    @Test("the first prompt names the goal, the goal branch, its verify commands and the format with the fleet's roles")
    func firstPrompt() {
        let prompt = GoalPlanning.prompt(for: Self.goal, branch: "main", roles: ["coder", "planner"])
        #expect(prompt.hasPrefix("Plan this goal: Add rate limiting to the API\n"))
        #expect(prompt.contains("/srv/api on branch main"))
        #expect(prompt.contains("flotilla/goal-g_00000000000000aa"))
        #expect(prompt.contains("swift build"))
        #expect(prompt.contains("- role: one of coder, planner, or leave it out."))
        #expect(prompt.contains(#""verify": ["…"], "steps""#), "the top-level verify is in the format")
    }

    @Test("a corrective prompt quotes every issue and the previous answer; a rejection prompt quotes the person and the plan")
    func correctiveAndRejection() throws {
        let issues = [PlanIssue(path: "steps[1].role", message: "unknown role 'tester'; known roles: coder"), PlanIssue(path: "steps[2].needs[0]", message: "needs form a cycle: a → c → b → a")]
        let corrective = GoalPlanning.correctivePrompt(for: Self.goal, issues: issues, previous: "```json\n{}\n```", roles: ["coder"])
        #expect(corrective.hasPrefix("Plan this goal: Add rate limiting to the API\n"))
        #expect(corrective.contains("- steps[1].role: unknown role 'tester'; known roles: coder\n"))
        #expect(corrective.contains("- steps[2].needs[0]: needs form a cycle: a → c → b → a\n"))
        #expect(corrective.contains("````\n```json\n{}\n```\n````"), "the previous answer in a longer fence")
        let rejected: JSONValue = plan(planStep("a"))
        let rejection = GoalPlanning.rejectionPrompt(for: Self.goal, reason: "split the routes\nfrom the limiter", rejected: rejected, branch: nil, roles: nil)
        #expect(rejection.contains("Their reason:\n> split the routes\n> from the limiter"))
        #expect(rejection.contains(rejected.jsonString))
        #expect(rejection.contains("Plan this goal: Add rate limiting to the API"))
    }

    @Test("the answer is the result's summary, else the output tail when only it holds JSON")
    func answer() {
        #expect(GoalPlanning.answer(in: ["summary": "```json\n{\"steps\": []}\n```", "output_tail": "x"]) == "```json\n{\"steps\": []}\n```")
        #expect(GoalPlanning.answer(in: ["summary": "done", "output_tail": "{\"steps\": []}"]) == "{\"steps\": []}")
        #expect(GoalPlanning.answer(in: ["summary": "no plan", "output_tail": "nothing"]) == "no plan")
        #expect(GoalPlanning.answer(in: nil) == "")
    }

    @Test("a plan waits for a person with --approve-plan or more steps than approvalSteps; the question lists its steps")
    func approval() throws {
        let plan = try GoalPlanValidator().validate(plan(planStep("a"), planStep("b", ["needs": ["a"], "role": "coder"])))
        #expect(!GoalPlanning.needsApproval(Self.goal, plan: plan, approvalSteps: nil))
        #expect(!GoalPlanning.needsApproval(Self.goal, plan: plan, approvalSteps: 2))
        #expect(GoalPlanning.needsApproval(Self.goal, plan: plan, approvalSteps: 1))
        var asking = Self.goal
        asking.approvePlan = true
        #expect(GoalPlanning.needsApproval(asking, plan: plan, approvalSteps: nil))
        let question = GoalPlanning.approvalQuestion(goal: Self.goal, plan: plan)
        #expect(question.source == .goalPlan)
        #expect(question.subject == "GoalPlan(g_00000000000000aa: 2 steps: a; b after a)")
        #expect(question.detail.contains("1. a: Do a\n   Implement a.\n   - it works"))
        #expect(question.detail.contains("2. b: Do b [coder] (after a)"))
        #expect(!question.readOnly, "a timeout never allows a plan as read-only")
        #expect(question.input["plan"] == plan.json)
    }

    @Test("details[planning] keeps the contract's keys and reads back")
    func details() {
        var details = GoalPlanning.Details()
        details.tasks = ["t_1", "t_2"]
        details.issues = ["steps[0].role: unknown role 'x'"]
        details.approvalID = "apr_1"
        details.round = 2
        details.rejection = "too big"
        let json = details.json
        #expect(json["tasks"] == ["t_1", "t_2"])
        #expect(json["issues"] == ["steps[0].role: unknown role 'x'"])
        #expect(json["approval_id"] == "apr_1")
        #expect(GoalPlanning.Details(json) == details)
        #expect(GoalPlanning.Details(nil) == GoalPlanning.Details())
        #expect(GoalPlanning.Details().json["approval_id"] == .null)
    }

    @Test("a plan's top-level verify is read, bounded and checked like a step's, and joins the goal's own, once each")
    func topLevelVerify() throws {
        func withVerify(_ verify: JSONValue) -> JSONValue {
            var object = plan(planStep("a")).objectValue ?? [:]
            object["verify"] = verify
            return .object(object)
        }
        let accepted = try GoalPlanValidator().validate(withVerify(["swift test", "swift build"]))
        #expect(accepted.verify == ["swift test", "swift build"])
        #expect(accepted.json["verify"] == ["swift test", "swift build"])
        #expect(try GoalPlanValidator().validate(accepted.json) == accepted, "the plan's JSON validates back to it")
        #expect(planIssues(withVerify(["two\nlines", "", "ok"])).map(\.path) == ["verify[0]", "verify[1]"])
        #expect(planIssues(withVerify(["ok", "ok"])).map(\.description) == ["verify[1]: names command 'ok' twice"])
        #expect(planIssues(withVerify("make")).map(\.description) == ["verify: must be a list, got a string"])
        var goal = Self.goal
        #expect(goal.verifyCommands == ["swift build"])
        goal.plan = accepted.json
        #expect(goal.verifyCommands == ["swift build", "swift test"], "the goal's first, then the plan's, each once")
    }
}
