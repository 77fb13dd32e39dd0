import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Testing

/// A goal's budget end to end (issue 25, "A goal budget of $0.05 stops dispatch mid-plan"):
/// steps run on an `openai` agent whose FAKE model server reports usage at a price, so each
/// step costs $0.03; the third step waits with `waiting_reason: budget`, also after a restart
/// (the ledger's lines by goal); `flotilla goal budget` refuses bad input and raising the
/// budget lets it go.
@Suite(.serialized) struct GoalBudgetEndToEndTests {
    @Test func aGoalBudgetStopsDispatchMidPlanAndRaisingItResumes() async throws {
        let repo = try makeRepository()
        let planning = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a", "b", "c"]))])
        // 10,000 tokens in at $2 and 1,000 out at $10 a million: $0.03 a step.
        let coding = try await FakeModelServer(dialect: "openai", turns: [FakeModelServer.turn("Done.", input: 10_000, output: 1_000)], repeatLast: true)
        defer { planning.stop(); coding.stop() }
        let data = Paths.temporaryDirectory("hub")
        let gh = try FakeGitHub()
        @Sendable func coder(_ served: ServedHub) throws -> AgentProcess {
            try AgentProcess([
                "--agent-id", "priced-coder", "--role", "coder", "--workdir", Paths.temporaryDirectory("coder"),
                "--executor", "openai", "--model", "fake-model", "--base-url", coding.baseURL, "--price-in", "2", "--price-out", "10",
            ], hub: served.baseURL, token: served.adminToken)
        }
        /// Waits until step c's task waits for the goal's budget; returns it.
        @Sendable func heldStep(_ client: HubClient, run runID: String) async throws -> JSONValue {
            try await eventually("step c waits for the goal's budget", within: 60) {
                let run = try await client.workflowRun(id: runID)
                guard let c = run.taskIDs("c").first else { return false }
                let task = try await client.task(c)
                return task["state"] == "queued" && (task["waiting"]?.arrayValue ?? []).contains { $0["reason"] == "budget" }
            }
            return try await client.task(try #require(try await client.workflowRun(id: runID).taskIDs("c").first))
        }
        let (id, runID) = try await LiveHub.run(dataDirectory: data, configure: { $0.goals.gh = gh.path }) { served, client in
            let planner = try GoalFleet.planner(planning, hub: served.baseURL, token: served.adminToken)
            let coder = try coder(served)
            defer { planner.stop(); coder.stop() }
            let id = try #require(try await client.addGoal(title: "Write three files", repo: repo.work, budgetUSD: 0.05)["id"]?.stringValue)
            let executing = try await GoalFleet.reach(client, id, "executing") { planner.log }
            let runID = try #require(executing["run_id"]?.stringValue)

            // a ($0.03 of $0.05) lets b go; b brings the goal to $0.06: c waits for budget.
            let c = try await heldStep(client, run: runID)
            let reason = try #require(c["waiting"]?.arrayValue?.first { $0["reason"] == "budget" })
            #expect(reason["budget"] == .string("goal:\(id)"), "\(reason)")
            #expect(reason["limit"]?.doubleValue == 0.05)
            #expect(abs((reason["spent"]?.doubleValue ?? 0) - 0.06) < 1e-9, "\(reason)")
            #expect(c["metadata"]?["goal"] == .string(id))
            let goal = try await client.goal(id: id)
            #expect(goal["state"] == "executing")
            #expect(abs((goal["cost"]?["usd"]?.doubleValue ?? 0) - 0.06) < 1e-9, "\(goal["cost"] ?? .null)")
            return (id, runID)
        }

        // A restarted hub reads what the goal spent from the ledger: c still waits.
        try await LiveHub.run(dataDirectory: data, configure: { $0.goals.gh = gh.path }) { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let coder = try coder(served)
            defer { coder.stop() }
            let c = try await heldStep(client, run: runID)
            let reason = try #require(c["waiting"]?.arrayValue?.first { $0["reason"] == "budget" })
            #expect(abs((reason["spent"]?.doubleValue ?? 0) - 0.06) < 1e-9, "after the restart: \(reason)")

            // Bad input changes nothing: not a number, not above 0, an unknown goal.
            for (arguments, code) in [([id, "lots"], "invalid_field"), ([id, "0"], "invalid_field"), (["g_0000000000000000", "1"], "goal_not_found")] {
                let refused = try await CLIProcess.run(["goal", "budget"] + arguments + hub, within: 60)
                #expect(refused.status == 1 && refused.stderr.contains(code), "\(arguments): \(refused.stdout)\(refused.stderr)")
            }
            #expect(try await client.goal(id: id)["budget_usd"]?.doubleValue == 0.05)
            #expect(try await client.task(c["id"]?.stringValue ?? "")["state"] == "queued")

            let raised = try await CLIProcess.run(["goal", "budget", id, "1"] + hub, within: 60)
            #expect(raised.status == 0, "\(raised.stderr)")
            // Spent is read when the hub answers, after the raise let c go out: on a loaded machine
            // the coder had run c (another $0.03) before the answer was written.
            #expect(["0.0600", "0.0900"].contains { raised.stdout.hasPrefix("\(id) budget $1.0000 spent $\($0) ") }, "\(raised.stdout)")
            let finished = try await GoalFleet.reach(client, id, "done") { coder.log }
            #expect(finished["budget_usd"]?.doubleValue == 1)
            #expect(try await client.task(c["id"]?.stringValue ?? "")["state"] == "succeeded")
        }
    }
}
