import Testing
@testable import FlotillaCore

@Suite("Goal plan validation")
struct GoalPlanValidatorTests {
    @Test("a valid plan is read with every field, and its JSON validates back to the same plan")
    func valid() throws {
        let json = plan(
            planStep("schema", ["verify": ["swift build"], "role": "coder", "complexity": "complex", "files": ["Sources/Store/", "docs/store.md"]]),
            planStep("api", ["needs": ["schema"], "files": ["Sources/Hub/**"]]),
            planStep("docs", ["needs": ["schema", "api"], "role": "writer"])
        )
        let validator = GoalPlanValidator(roles: ["coder", "writer"])
        let read = try validator.validate(json)
        #expect(read.steps.map(\.id) == ["schema", "api", "docs"])
        #expect(read.steps[0].verify == ["swift build"])
        #expect(read.steps[0].complexity == .complex)
        #expect(read.steps[0].files == ["Sources/Store/", "docs/store.md"])
        #expect(read.steps[2].needs == ["schema", "api"])
        #expect(read.steps[1].role == nil)
        #expect(try validator.validate(read.json) == read)
    }

    @Test("a cycle is reported at the needs entry that closes it, with its path")
    func cycle() {
        let issues = planIssues(plan(
            planStep("a", ["needs": ["c"]]),
            planStep("b", ["needs": ["a"]]),
            planStep("c", ["needs": ["b"]]),
            planStep("d", ["needs": ["d"]])
        ))
        #expect(issues == [
            PlanIssue(path: "steps[1].needs[0]", message: "needs form a cycle: a → c → b → a"),
            PlanIssue(path: "steps[3].needs[0]", message: "a step cannot need itself ('d')"),
        ])
    }

    @Test("an unknown role is reported at its path with the known roles")
    func unknownRole() {
        let issues = planIssues(plan(planStep("a"), planStep("b", ["role": "tester"])), roles: ["coder", "reviewer"])
        #expect(issues == [PlanIssue(path: "steps[1].role", message: "unknown role 'tester'; known roles: coder, reviewer")])
        // Without a known set, any well-formed role passes; a malformed one does not.
        #expect(planIssues(plan(planStep("a", ["role": "tester"]))).isEmpty)
        #expect(planIssues(plan(planStep("a", ["role": "no spaces"]))).map(\.path) == ["steps[0].role"])
    }

    @Test("needs naming a missing step, duplicate ids and duplicate needs, each at its place")
    func references() {
        let issues = planIssues(plan(
            planStep("a"),
            planStep("a", ["needs": ["ghost", "a"]]),
            planStep("b", ["needs": ["a", "a"]])
        ))
        #expect(issues.map(\.path) == ["steps[1].id", "steps[1].needs[0]", "steps[2].needs[1]"])
        #expect(issues[0].message == "'a' is already the id of steps[0]: ids must be unique")
        #expect(issues[1].message == "names 'ghost', which is not a step; the steps are a, b")
        #expect(issues[2].message == "names step 'a' twice")
    }

    @Test("every issue at once, in document order, with the cycle after the steps")
    func allAtOnce() {
        let issues = planIssues(plan(
            planStep("a", ["needs": ["b"], "title": nil, "depends_on": ["b"]]),
            planStep("b", ["needs": ["a"], "role": "tester", "complexity": "huge"])
        ), roles: ["coder"])
        #expect(issues.map(\.description) == [
            "steps[0].depends_on: unknown field 'depends_on'; the fields are id, title, prompt, success_criteria, verify, role, complexity, needs, files",
            "steps[0]: missing required field 'title'",
            "steps[1].role: unknown role 'tester'; known roles: coder",
            "steps[1].complexity: must be one of trivial, standard, complex, got 'huge'",
            "steps[1].needs[0]: needs form a cycle: a → b → a",
        ])
        #expect(planIssues(plan(planStep("a", ["needs": ["b"], "title": nil, "depends_on": ["b"]]), planStep("b", ["needs": ["a"], "role": "tester", "complexity": "huge"])), roles: ["coder"]) == issues, "stable order")
    }

    @Test("size bounds: steps, prompt, title, criteria, verify commands, files")
    func bounds() {
        let limits = GoalPlanLimits.standard
        let tooMany = JSONValue.object(["steps": .array((0...limits.maxSteps).map { planStep("s\($0)") })])
        #expect(planIssues(tooMany) == [PlanIssue(path: "steps", message: "has \(limits.maxSteps + 1) steps; a plan may have at most \(limits.maxSteps) (split the goal, or merge small steps)")])
        #expect(planIssues(plan()) == [PlanIssue(path: "steps", message: "is empty: a plan needs at least one step")])

        let longPrompt = String(repeating: "é", count: limits.maxPromptLength + 1)
        #expect(planIssues(plan(planStep("a", ["prompt": .string(longPrompt)]))) == [PlanIssue(path: "steps[0].prompt", message: "is \(limits.maxPromptLength + 1) characters long; at most \(limits.maxPromptLength)")])
        #expect(planIssues(plan(planStep("a", ["prompt": .string(String(repeating: "é", count: limits.maxPromptLength))]))).isEmpty, "the bound itself is allowed")
        #expect(planIssues(plan(planStep("a", ["title": "two\nlines"]))).map(\.path) == ["steps[0].title"])
        #expect(planIssues(plan(planStep("a", ["success_criteria": []]))) == [PlanIssue(path: "steps[0].success_criteria", message: "is empty: give at least 1")])
        let verify = JSONValue.array((0...limits.maxVerifyCommands).map { .string("make check\($0)") })
        #expect(planIssues(plan(planStep("a", ["verify": verify]))).map(\.path) == ["steps[0].verify"])
        #expect(planIssues(plan(planStep("a", ["verify": ["swift build\nswift test"]]))) == [PlanIssue(path: "steps[0].verify[0]", message: "a verify command must be one non-blank line (join commands with &&)")])
        #expect(planIssues(plan(planStep("a", ["verify": ["  "]]))).map(\.path) == ["steps[0].verify[0]"])
        let longCommand = JSONValue.string(String(repeating: "x", count: limits.maxVerifyLength + 1))
        #expect(planIssues(plan(planStep("a", ["verify": [longCommand]]))).map(\.path) == ["steps[0].verify[0]"])
        #expect(planIssues(plan(planStep("a", ["files": ["/etc/passwd", "src/../../x", "ok/..fine", "..", "a/b/.."]]))).map(\.path) == ["steps[0].files[0]", "steps[0].files[1]", "steps[0].files[3]", "steps[0].files[4]"])
    }

    @Test("wrong types and a root that is not a plan")
    func types() {
        #expect(planIssues(["a"]) == [PlanIssue(path: "", message: "the plan must be a JSON object {\"steps\": […]}, got an array")])
        #expect(planIssues([:]) == [PlanIssue(path: "", message: "missing required field 'steps' (a list of steps)")])
        #expect(planIssues(["steps": "x"]) == [PlanIssue(path: "steps", message: "must be a list of steps, got a string")])
        #expect(planIssues(["steps": [1], "extra": true]).map(\.description) == [
            "extra: unknown field 'extra'; the fields are summary, verify, steps",
            "steps[0]: a step must be an object, got a number",
        ])
        #expect(planIssues(plan(planStep("a", ["id": 3, "needs": "b", "role": nil]))).map(\.path) == ["steps[0].id", "steps[0].needs"])
        #expect(planIssues(plan(planStep("1abc"))).map(\.path) == ["steps[0].id"])
    }

    @Test("validate throws the same issues as a rejection")
    func rejection() {
        do {
            _ = try GoalPlanValidator(roles: []).validate(plan(planStep("a", ["role": "coder"])))
            Issue.record("an unknown role was accepted")
        } catch {
            #expect(error.issues == [PlanIssue(path: "steps[0].role", message: "unknown role 'coder'; the fleet has no roles: leave 'role' out")])
        }
    }
}
