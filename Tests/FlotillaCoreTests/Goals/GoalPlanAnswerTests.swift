import Testing
@testable import FlotillaCore

@Suite("Goal plan from a model's answer")
struct GoalPlanAnswerTests {
    static let planText = #"{"steps": [{"id": "a", "title": "A", "prompt": "Do a {carefully}.", "success_criteria": ["done"]}]}"#

    @Test("a ```json block wins over earlier braces and other blocks")
    func fenced() throws {
        let answer = """
        Here is my thinking about {the goal}.
        ```
        not json
        ```
        ```json
        \(Self.planText)
        ```
        """
        let read = try GoalPlan.parse(answer: answer, validator: GoalPlanValidator())
        #expect(read.steps.map(\.id) == ["a"])
        #expect(read.steps[0].prompt == "Do a {carefully}.")
    }

    @Test("an untagged fence, then the first top-level object that parses (braces inside strings ignored)")
    func bare() throws {
        #expect(try GoalPlan.json(inAnswer: "```\n\(Self.planText)\n```")["steps"] != nil)
        let prose = "Sure {not json}. The plan: \(Self.planText) Hope it helps {x}."
        let value = try GoalPlan.json(inAnswer: prose)
        #expect(value["steps"]?.arrayValue?.first?["prompt"] == "Do a {carefully}.")
        #expect(try GoalPlan.json(inAnswer: "```JSON plan\n\(Self.planText)\n```")["steps"] != nil, "the language is any case")
    }

    @Test("no JSON at all, or a broken ```json block, is one issue at the root saying so")
    func missing() {
        do {
            _ = try GoalPlan.json(inAnswer: "I could not make a plan.")
            Issue.record("found JSON in prose")
        } catch {
            #expect(error.issues == [PlanIssue(path: "", message: "the answer holds no JSON object: answer with the plan as one ```json block")])
        }
        do {
            _ = try GoalPlan.json(inAnswer: "```json\n{\"steps\": [\n```")
            Issue.record("a broken block was read")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues[0].message.hasPrefix("the ```json block is not valid JSON ("))
        }
    }

    @Test("the corrective prompt quotes every issue at its path, the previous answer, and the format")
    func corrective() {
        let issues = [
            PlanIssue(path: "steps[1].needs[0]", message: "needs form a cycle: a → b → a"),
            PlanIssue(path: "steps[2].role", message: "unknown role 'tester'; known roles: coder"),
        ]
        let previous = "```json\n{\"steps\": []}\n```"
        let prompt = GoalPlan.correctivePrompt(issues: issues, previous: previous, roles: ["coder"])
        #expect(prompt.contains("Errors (2):\n- steps[1].needs[0]: needs form a cycle: a → b → a\n- steps[2].role: unknown role 'tester'; known roles: coder\n"))
        // The previous answer's own fence stays inside a longer one.
        #expect(prompt.contains("````\n\(previous)\n````"))
        #expect(prompt.contains("- role: one of coder, or leave it out."))
        #expect(prompt.contains("steps: 1 to 30"))
    }

    @Test("a long answer and many issues are cut, saying so")
    func cut() {
        let issues = (0..<60).map { PlanIssue(path: "steps[\($0)].id", message: "bad") }
        let prompt = GoalPlan.correctivePrompt(issues: issues, previous: String(repeating: "x", count: 20_000))
        #expect(prompt.contains("- steps[49].id: bad\n- … and 10 more\n"))
        #expect(!prompt.contains("steps[50].id"))
        #expect(prompt.contains("[… cut at 12000 characters]"))
    }
}
