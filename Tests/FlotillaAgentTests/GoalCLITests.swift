import FlotillaClient
import FlotillaCore
import Foundation
import Testing

/// `flotilla goal …` against a live hub (the real binary): a goal added, listed, shown,
/// cancelled and retried; refusals exit 1 with the hub's code and change nothing.
@Suite struct GoalCLITests {
    @Test func goalCommandsAddListShowCancelRetryAndRefuseBadInput() async throws {
        // No goal starts (--goal-concurrency 0): this test holds the backlog's commands alone.
        try await LiveHub.run(configure: { $0.goals.concurrency = 0 }) { served, client in
            let hub = ["--hub", served.baseURL, "--token", served.adminToken]
            let repo = Paths.temporaryDirectory("goal-repo")
            func flotilla(_ arguments: String...) async throws -> (status: Int32, stdout: String, stderr: String) {
                try await CLIProcess.run(["goal"] + arguments + hub, within: 60)
            }
            let added = try await flotilla("add", "Add rate limiting to the API", "--repo", repo, "--budget", "0.25", "--priority", "80",
                                           "--approve-plan", "--verify", "sh test.sh", "--verify", "make lint")
            #expect(added.status == 0, "\(added.stderr)")
            let id = try #require(added.stdout.split(separator: " ").first.map(String.init))
            #expect(added.stdout == "\(id) queued Add rate limiting to the API\n", "\(added.stdout)")
            let stored = try await client.goal(id: id)
            #expect(stored["repo"] == .string(repo) && stored["priority"] == 80 && stored["budget_usd"]?.doubleValue == 0.25)
            #expect(stored["approve_plan"] == true && stored["verify"] == ["sh test.sh", "make lint"], "\(stored)")

            let listed = try await flotilla("list")
            #expect(listed.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("\(id) ") == true, "\(listed.stdout)")
            #expect(listed.stdout.contains("$0.2500"), "\(listed.stdout)")
            let shown = try await flotilla("show", id)
            #expect(shown.stdout.hasPrefix("id: \(id)\ntitle: Add rate limiting to the API\nstate: queued\n"), "\(shown.stdout)")
            #expect(shown.stdout.contains("branch: flotilla/goal-\(id)\n"), "\(shown.stdout)")

            let cancelled = try await flotilla("cancel", id, "--reason", "not today")
            #expect(cancelled.stdout == "\(id) cancelled Add rate limiting to the API\n", "\(cancelled.stdout)\(cancelled.stderr)")
            let twice = try await flotilla("cancel", id)
            #expect(twice.status == 1 && twice.stderr.contains("invalid_state"), "\(twice.stderr)")
            let retried = try await flotilla("retry", id)
            #expect(retried.stdout == "\(id) queued Add rate limiting to the API\n", "\(retried.stdout)\(retried.stderr)")

            // Refusals: exit 1 with the code, and no goal added.
            for (arguments, code) in [
                (["add", "x", "--repo", repo, "--budget=-1"], "invalid_field"),
                (["add", "x", "--repo", repo, "--priority", "500"], "invalid_field"),
                (["add", "x", "--repo", repo, "--verify", "make\ntest"], "invalid_field"),
                (["add", "x", "--repo", repo, "--verify", "make", "--verify", "make"], "invalid_field"),
                (["add", "", "--repo", repo], "invalid_field"),
                (["show", "g_0000000000000000"], "goal_not_found"),
                (["retry", "g_0000000000000000"], "goal_not_found"),
                (["list", "--state", "dreaming"], "invalid_field"),
            ] {
                let refused = try await CLIProcess.run(["goal"] + arguments + hub, within: 60)
                #expect(refused.status == 1, "\(arguments): \(refused.stdout)\(refused.stderr)")
                #expect(refused.stderr.contains(code), "\(arguments): \(refused.stderr)")
            }
            let missing = try await CLIProcess.run(["goal", "add", "x"] + hub, within: 60)
            #expect(missing.status == 64, "--repo is required: \(missing.stderr)")
            let goals = try await client.goals()["goals"]?.arrayValue ?? []
            #expect(goals.map { $0["id"] } == [.string(id)], "nothing else was added")
        }
    }
}
