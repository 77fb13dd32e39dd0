import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// Issue 25's proof end to end: a real hub with real `flotilla agent` processes (an `openai`
/// planner on the FAKE model server, step agents running a deterministic script through the
/// cmd executor), a real repository whose origin is a bare remote, and the FAKE `gh` recording
/// every call. `flotilla goal add … --verify …` → a plan of 3 steps → steps in worktrees →
/// merged on the goal branch → verify passes → one pull request with the risk tier and the
/// cost → `done`; and two steps editing the same line → a fix step → still `done`.
@Suite(.serialized, .timeLimit(.minutes(4))) struct GoalEndToEndTests {
    /// An `openai` planner at a price, so planning costs money the pull request reports:
    /// 100 tokens in at $100 and 20 out at $500 a million: $0.02.
    static func pricedPlanner(_ server: FakeModelServer, hub: String, token: String) throws -> AgentProcess {
        try AgentProcess([
            "--agent-id", "planner-" + UUID().uuidString.prefix(6).lowercased(), "--role", "planner", "--workdir", Paths.temporaryDirectory("planner"),
            "--executor", "openai", "--model", "fake-model", "--base-url", server.baseURL, "--price-in", "100", "--price-out", "500",
        ], hub: hub, token: token)
    }

    @Test func aGoalBecomesOneReviewedPullRequestWithItsTierAndCost() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a", "b", "c"]))])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: { $0.goals.gh = gh.path }) { served, client in
            let planner = try Self.pricedPlanner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let added = try await CLIProcess.run([
                "goal", "add", "Write three files", "--repo", repo.remote, "--verify", "test -f README.md",
                "--hub", served.baseURL, "--token", served.adminToken, "--json",
            ], within: 60)
            #expect(added.status == 0, "\(added.stderr)")
            let id = try #require(try JSONValue.parse(added.stdout)["id"]?.stringValue)

            let goal = try await GoalFleet.reach(client, id, "done", within: 120) { planner.log + coder.log }
            #expect(goal["plan"]?["steps"]?.arrayValue?.count == 3)
            #expect(GoalFleet.ran(steps) == ["a", "b", "c"], "each step ran once")
            #expect(goal["pr_url"] == "https://github.com/fake/repo/pull/1")
            #expect(goal["details"]?["verification"]?["checks"]?.arrayValue?.first?["command"] == "test -f README.md")
            #expect(goal["details"]?["verification"]?["checks"]?.arrayValue?.first?["passed"] == true)
            #expect(goal["details"]?["review"]?["tier"] == "medium", "three new source files")
            #expect(goal["details"]?["review"]?["blocked"] == false)
            #expect(abs((goal["cost"]?["usd"]?.doubleValue ?? 0) - 0.02) < 1e-9, "\(goal["cost"] ?? .null)")

            // The goal branch reached the goal's repository with every step merged.
            let branch = "flotilla/goal-\(id)"
            for file in ["a.txt", "b.txt", "c.txt"] {
                #expect(try git(repo.remote, "show", "\(branch):\(file)") == String(file.prefix(1)))
            }
            // Exactly one pull request, from the goal branch to main, with the tier and the cost.
            let creates = gh.calls(["pr", "create"])
            try #require(creates.count == 1, "\(gh.calls())")
            let argv = (creates[0]["argv"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(argv == ["pr", "create", "--head", branch, "--base", "main", "--title", "Write three files", "--body-file", "-"])
            let body = creates[0]["stdin"]?.stringValue ?? ""
            #expect(body.contains("## Risk: medium"), "\(body)")
            #expect(body.contains("$0.0200"), "\(body)")
            #expect(body.contains("**Step a** (`a`)") && body.contains("**Step c** (`c`)"), "\(body)")
            #expect(body.contains("`test -f README.md`: passed"), "\(body)")
            #expect(gh.calls(["pr", "merge"]).isEmpty, "auto-merge is off")

            let reviewed = try await served.hub.engine.storedEvents(after: 0, limit: 10_000).filter { $0.type == "goal.reviewed" }
            #expect(reviewed.count == 1)
            #expect(reviewed.first?.details["pr_url"] == "https://github.com/fake/repo/pull/1")
        }
    }

    /// A step script for two steps that edit README.md's one line at once (each waits, briefly,
    /// until the other has started, so both start from the same goal branch); a fix prompt
    /// (the merge queue's, "You are fixing …") writes the line with both changes.
    static func conflictingSteps() throws -> String {
        let folder = Paths.temporaryDirectory("goal-steps")
        let script = """
            #!/bin/sh
            dir="$1"
            case "$2" in
              "You are fixing"*) echo fix >> "$dir/ran.log"; printf '# project a and b\\n' > README.md; echo fixed; exit 0;;
            esac
            step=$(printf '%s\\n' "$2" | head -n 1 | cut -d' ' -f1 | tr -d ':')
            echo "$step" >> "$dir/ran.log"
            touch "$dir/started-$step"
            other=a; [ "$step" = a ] && other=b
            i=0; while [ ! -e "$dir/started-$other" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            printf '# project %s\\n' "$step" > README.md
            echo "did $step"
            """
        try script.write(toFile: folder + "/step.sh", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func twoStepsEditingTheSameLineGetAFixStepAndTheGoalStillFinishes() async throws {
        let repo = try makeRepository()
        let plan: JSONValue = ["summary": "Two edits of one line", "steps": [
            ["id": "a", "title": "Step a", "prompt": "a: edit the README", "success_criteria": ["README says a"], "role": "coder"],
            ["id": "b", "title": "Step b", "prompt": "b: edit the README", "success_criteria": ["README says b"], "role": "coder"],
        ]]
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(plan)])
        defer { server.stop() }
        let steps = try Self.conflictingSteps()
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: { $0.goals.gh = gh.path }) { served, client in
            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coders = try (0..<2).map { _ in try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken) }
            defer { planner.stop(); coders.forEach { $0.stop() } }
            let id = try #require(try await client.addGoal(title: "Edit the README twice", repo: repo.remote, verify: ["test -f README.md"])["id"]?.stringValue)

            let goal = try await GoalFleet.reach(client, id, "done", within: 150) { planner.log + coders.map(\.log).joined() }
            let merges = goal["details"]?["merges"]
            let fixed = ["a", "b"].filter { !(merges?[$0]?["fixes"]?.arrayValue ?? []).isEmpty }
            #expect(fixed.count == 1, "one of the two steps conflicted and was fixed: \(merges ?? .null)")
            #expect(["a", "b"].allSatisfy { merges?[$0]?["state"] == "merged" }, "\(merges ?? .null)")
            let fixes = try await served.hub.engine.storedEvents(after: 0, limit: 10_000).filter { $0.type == "goal.fix_requested" }
            #expect(fixes.map { $0.details["reason"] } == ["conflict"])
            #expect(GoalFleet.ran(steps).filter { $0 == "fix" }.count == 1)

            // The goal branch holds both changes; one pull request for it.
            #expect(try git(repo.remote, "show", "flotilla/goal-\(id):README.md") == "# project a and b")
            #expect(gh.calls(["pr", "create"]).count == 1)
            #expect(goal["pr_url"] == "https://github.com/fake/repo/pull/1")
        }
    }
}
