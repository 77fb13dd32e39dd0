import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// The goal service's bookkeeping end to end: goals start one at a time under
/// `--goal-concurrency 1`, a cancelled goal takes its planning task and its run with it, and a
/// failed step fails the goal with the run's reason.
@Suite(.serialized) struct GoalLifecycleTests {
    @Test func goalsStartUpToTheConcurrencyAndACancelTakesThePlanningTaskWithIt() async throws {
        let first = try makeRepository(), second = try makeRepository()
        // No planner connects: planning tasks wait, and each goal stays in planning.
        try await LiveHub.run { _, client in
            let a = try #require(try await client.addGoal(title: "First", repo: first.work)["id"]?.stringValue)
            try await eventually("goal a is planning with its planning task") {
                let goal = try await client.goal(id: a)
                return goal["state"] == "planning" && !GoalFleet.planningTasks(goal).isEmpty
            }
            let b = try #require(try await client.addGoal(title: "Second", repo: second.work, priority: 90)["id"]?.stringValue)
            let planTask = try #require(GoalFleet.planningTasks(try await client.goal(id: a)).first)
            #expect(try await client.task(planTask)["state"] == "queued")
            // Give the service a few of its passes: b stays queued while a holds the one place.
            let deadline = ContinuousClock.now + .seconds(2)
            while ContinuousClock.now < deadline {
                #expect(try await client.goal(id: b)["state"] == "queued")
                try await Task.sleep(for: .milliseconds(200))
            }
            let cancelled = try await client.cancelGoal(id: a, reason: "not now")
            #expect(cancelled["state"] == "cancelled")
            try await eventually("the planning task is cancelled with its goal") { try await client.task(planTask)["state"] == "cancelled" }
            try await GoalFleet.reach(client, b, "planning")
        }
    }

    @Test func aCancelledExecutingGoalCancelsItsRun() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a", "b"]))])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        FileManager.default.createFile(atPath: steps + "/hold-a", contents: nil)
        try await LiveHub.run { served, client in
            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let id = try #require(try await client.addGoal(title: "Write files", repo: repo.work)["id"]?.stringValue)
            let executing = try await GoalFleet.reach(client, id, "executing") { planner.log }
            let runID = try #require(executing["run_id"]?.stringValue)
            try await eventually("step a runs") { GoalFleet.ran(steps) == ["a"] }
            _ = try await client.cancelGoal(id: id, reason: "wrong repository")
            let run = try await client.endedRun(runID, within: 30)
            #expect(run["status"] == "cancelled", "\(run.jsonString.prefix(2000))")
            #expect(run["cancel_reason"]?.stringValue?.contains("wrong repository") == true, "\(run["cancel_reason"] ?? .null)")
            #expect(try await client.goal(id: id)["state"] == "cancelled")
            #expect(GoalFleet.ran(steps) == ["a"], "b never started")
        }
    }

    @Test func aFailedStepFailsTheGoalWithTheRunsReason() async throws {
        let repo = try makeRepository()
        // The step script fails b (fail-b): exit 3 on every attempt.
        let plan = GoalFleet.plan(["a", "b"])
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(plan)])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        FileManager.default.createFile(atPath: steps + "/fail-b", contents: nil)
        try await LiveHub.run { served, client in
            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let id = try #require(try await client.addGoal(title: "Write files", repo: repo.work)["id"]?.stringValue)
            let goal = try await GoalFleet.reach(client, id, "failed", within: 120) { coder.log }
            let reason = (goal["reasons"]?.arrayValue ?? []).compactMap(\.stringValue).last ?? ""
            #expect(reason.hasPrefix("the plan's run \(goal["run_id"]?.stringValue ?? "?") failed: step 'b' failed"), "\(reason)")
            #expect(GoalFleet.ran(steps).first == "a")
        }
    }
}
