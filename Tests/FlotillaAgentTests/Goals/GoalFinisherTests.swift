import FlotillaClient
import FlotillaCore
import FlotillaGoals
import Foundation
import Synchronization
import Logging
import Testing

/// The goal service hands a goal whose run succeeded to its finisher (publication's
/// `GoalPublisher.finish`, ``GoalService/setFinisher(_:)``): once per goal while a call runs,
/// beside the passes, and the finisher moves the goal on itself. Here the finisher is the
/// test's own: it records the call and takes the goal through verifying and review to done.
@Suite struct GoalFinisherTests {
    final class Calls: Sendable {
        let goals = Mutex<[String]>([])
    }

    @Test func aSucceededRunGoesToTheFinisherOnceAndItMovesTheGoal() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a", "b"]))])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        // The hub's own service starts nothing (concurrency 0); the test runs one with a finisher, on
        // the hub's goals folder (where its merge queue finds the clone).
        try await LiveHub.run(configure: { $0.goals.concurrency = 0 }) { served, client in
            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let engine = served.hub.engine
            let service = GoalService(engine: engine, configuration: GoalConfiguration(root: served.hub.configuration.dataDirectory + "/goals"), logger: Logger(label: "test.goals"))
            let calls = Calls()
            service.setFinisher { goal in
                calls.goals.withLock { $0.append("\(goal.id):\(goal.state.rawValue)") }
                // A slow finisher: passes go on meanwhile and must not call it again.
                try? await Task.sleep(for: .milliseconds(1500))
                _ = try? await engine.moveGoal(id: goal.id, to: .verifying)
                _ = try? await engine.moveGoal(id: goal.id, to: .review)
                _ = try? await engine.moveGoal(id: goal.id, to: .done) { $0.prURL = "https://example.invalid/pr/1" }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                let id = try #require(try await client.addGoal(title: "Write two files", repo: repo.work)["id"]?.stringValue)
                let goal = try await GoalFleet.reach(client, id, "done") { planner.log + coder.log }
                #expect(goal["pr_url"] == "https://example.invalid/pr/1")
                #expect(calls.goals.withLock { $0 } == ["\(id):executing"], "one call, with the goal as the run left it")
                #expect(GoalFleet.ran(steps) == ["a", "b"])
                group.cancelAll()
            }
        }
    }
}
