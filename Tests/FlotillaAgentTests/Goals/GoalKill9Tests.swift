import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// A hub killed with SIGKILL while a goal executes (issue 25, "kill -9 of the hub during
/// executing resumes the goal without repeating finished steps"): the restarted hub's goal
/// service finds the goal, its planning task and its run in the store and carries on; every
/// step ran once (the step script's log, and one attempt per step task in the store).
@Suite struct GoalKill9Tests {
    @Test func aKilledHubResumesTheGoalWithoutRepeatingAFinishedStep() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a", "b", "c"]))])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        FileManager.default.createFile(atPath: steps + "/hold-b", contents: nil)
        let port = try LiveHub.freePort()
        let dataDirectory = Paths.temporaryDirectory("hub")
        let gh = try FakeGitHub()
        var hub = try await HubChild.start(port: port, dataDirectory: dataDirectory, environment: ["PATH": gh.pathVariable])
        defer { hub.terminate() }
        let token = try hub.adminToken
        let client = HubClient(baseURL: hub.baseURL, token: token)
        let planner = try GoalFleet.planner(server, hub: hub.baseURL, token: token)
        let coder = try GoalFleet.coder(steps, hub: hub.baseURL, token: token)
        defer { planner.stop(); coder.stop() }

        let id = try #require(try await client.addGoal(title: "Write three files", repo: repo.work)["id"]?.stringValue)
        try await eventually("step b runs while the goal executes", within: 90) {
            let state = (try? await client.goal(id: id))?["state"]
            return GoalFleet.ran(steps) == ["a", "b"] && state == "executing"
        }
        let before = try await client.goal(id: id)
        hub.kill9()
        hub = try await HubChild.start(port: port, dataDirectory: dataDirectory, environment: ["PATH": gh.pathVariable])
        FileManager.default.createFile(atPath: steps + "/release-b", contents: nil)

        let restarted = hub
        // The client's pooled connections died with the old hub: its first request may find one closed.
        try await eventually("the client reaches the restarted hub", within: 30) { (try? await client.goal(id: id)) != nil }
        let goal = try await GoalFleet.reach(client, id, "done", within: 120) { restarted.log + coder.log }
        #expect(goal["run_id"] == before["run_id"], "the same run carried on")
        #expect(GoalFleet.planningTasks(goal) == GoalFleet.planningTasks(before), "no new planning task")
        #expect(server.requests().count == 1, "the plan was written once")
        #expect(GoalFleet.ran(steps) == ["a", "b", "c"], "each step's command ran once")
        hub.terminate()
        let runID = try #require(goal["run_id"]?.stringValue)
        let attempts = try await hub.query("""
            SELECT t.idempotency_key, count(a.attempt), sum(a.outcome = 'succeeded') FROM tasks t JOIN attempts a ON a.task_id = t.id
            WHERE t.idempotency_key LIKE 'wf:\(runID):%' GROUP BY t.id ORDER BY t.idempotency_key
            """)
        #expect(attempts.count == 3, "\(attempts)")
        for row in attempts {
            #expect(row.hasSuffix("|1|1"), "attempts (all, succeeded) of \(row)")
        }
    }
}
