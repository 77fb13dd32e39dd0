import FlotillaCore
import FlotillaEngine
import FlotillaGoals
import FlotillaStore
import Foundation
import Logging
import Testing

/// Issue 25 item 4 on its own: `GoalPublisher.finish` on a goal whose steps landed on the goal
/// branch of the hub's clone (a real git repository whose origin is a bare remote), with the
/// fake `gh` recording every call. The final verify, the review (risk tier, secret scan), the
/// push and the pull request, auto-merge for the low tier only.
@Suite struct GoalPublisherTests {
    static let plan: JSONValue = [
        "summary": "Document and limit the API",
        "steps": [["id": "docs", "title": "Write the guide", "prompt": "p", "success_criteria": ["a guide"]]],
    ]

    /// A publisher on `engine` with its own goals root, the fake gh first on gh's PATH.
    static func publisher(_ engine: Engine, root: String, gh: FakeGH, autoMerge: Bool = false, rules: GoalRules = .default) -> GoalPublisher {
        var configuration = GoalConfiguration(root: root)
        configuration.autoMerge = autoMerge
        configuration.rules = rules
        configuration.verifyTimeout = 30
        var logger = Logger(label: "test.publisher")
        logger.logLevel = .warning
        let workspaces = GoalWorkspaces(root: root)
        let queue = MergeQueue(engine: engine, workspaces: workspaces, fixAttempts: configuration.fixAttempts, verifyTimeout: configuration.verifyTimeout, logger: logger)
        return GoalPublisher(engine: engine, workspaces: workspaces, mergeQueue: queue, configuration: configuration, environment: gh.environment, logger: logger)
    }

    /// A goal in `executing` whose goal branch holds `files` (committed in the hub's clone).
    static func goal(_ engine: Engine, root: String, repository: GoalGitFixture, files: [String: String], verify: [String] = []) async throws -> GoalRecord {
        var goal = try await GoalHarness.executingGoal(engine, repo: repository.remote, verify: verify)
        goal = try await engine.updateGoal(id: goal.id) { $0.plan = GoalPublisherTests.plan }
        let info = try await GoalWorkspaces(root: root).prepare(goal)
        try GoalGitFixture.commit(onGoalBranch: info.branch, clone: info.clone, files: files)
        return goal
    }

    @Test func aCleanDiffIsPushedAndOpensOnePullRequestWithItsTierVerificationAndCost() async throws {
        let repository = try GoalGitFixture()
        let gh = try FakeGH()
        let root = repository.goalsRoot
        try await GoalHarness.run { engine, store in
            let goal = try await Self.goal(engine, root: root, repository: repository, files: ["Sources/Limits/Bucket.swift": "struct Bucket {}\n"], verify: ["test -f Sources/Limits/Bucket.swift"])
            try await GoalSpending.spend(engine, goal: goal.id, usd: 0.0123)
            await Self.publisher(engine, root: root, gh: gh).finish(goal)

            let done = try await engine.goal(id: goal.id)
            #expect(done.state == .done, "\(done.reasons)")
            #expect(done.prURL == "https://github.com/fake/repo/pull/1")
            #expect(done.details["review"]?["tier"] == "medium")
            #expect(done.details["review"]?["blocked"] == false)
            #expect(done.details["review"]?["pr_url"] == "https://github.com/fake/repo/pull/1")
            #expect(done.details["review"]?["auto_merge"] == false)
            #expect(done.details["verification"]?["checks"]?[0]?["passed"] == true)
            #expect(done.details["verification"]?["rounds"] == 1)

            // Pushed: the remote's goal branch is the clone's.
            let clone = try GoalWorkspaces(root: root).clonePath(goal)
            #expect(try repository.remoteBranches().contains(goal.branch))
            #expect(try GoalGitFixture.git(repository.remote, "rev-parse", goal.branch) == (try GoalGitFixture.git(clone, "rev-parse", goal.branch)))

            // One pull request, from the clone, its body on stdin with the goal, plan, tier and cost.
            let creates = try gh.calls(["pr", "create"])
            try #require(creates.count == 1)
            let argv = (creates[0]["argv"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(argv == ["pr", "create", "--head", goal.branch, "--base", "main", "--title", "Document the API", "--body-file", "-"])
            #expect(creates[0]["cwd"]?.stringValue == clone)
            let body = try #require(creates[0]["stdin"]?.stringValue)
            #expect(body.contains("## Goal\n\nDocument the API"))
            #expect(body.contains("Write the guide"), "the plan's steps")
            #expect(body.contains("## Risk: medium"))
            #expect(body.contains("medium: "), "the tier's reasons")
            #expect(body.contains("$0.0123"), "the goal's cost from the ledger")
            #expect(body.contains("`test -f Sources/Limits/Bucket.swift`: passed"))
            #expect(try gh.calls(["pr", "merge"]).isEmpty, "auto-merge is off")

            let reviewed = try await GoalHarness.events(store, .goalReviewed)
            #expect(reviewed.count == 1)
            #expect(reviewed.first?.details["goal_id"] == .string(goal.id))
            #expect(reviewed.first?.details["tier"] == "medium")
            #expect(reviewed.first?.details["pr_url"] == "https://github.com/fake/repo/pull/1")

            // Called again (a wake after done) it does nothing: still one pull request.
            await Self.publisher(engine, root: root, gh: gh).finish(done)
            #expect(try gh.calls(["pr", "create"]).count == 1)
        }
    }

    @Test func anAWSKeyAndAPrivateKeyBlockPublicationBeforeAnythingIsPushed() async throws {
        let repository = try GoalGitFixture()
        let gh = try FakeGH()
        let root = repository.goalsRoot
        try await GoalHarness.run { engine, store in
            let goal = try await Self.goal(engine, root: root, repository: repository, files: [
                "config/deploy.env": "REGION=eu-west-1\nAWS_ACCESS_KEY_ID=AKIAQ3EGUSXH4ZK7WJ2P\n",
                "keys/id_rsa": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
            ])
            await Self.publisher(engine, root: root, gh: gh, autoMerge: true).finish(goal)

            let failed = try await engine.goal(id: goal.id)
            #expect(failed.state == .failed)
            let reason = try #require(failed.reasons.last)
            #expect(reason.contains("config/deploy.env:2: aws_access_key_id"), "\(reason)")
            #expect(reason.contains("keys/id_rsa:1: private_key"), "\(reason)")
            #expect(!reason.contains("AKIAQ3EGUSXH4ZK7WJ2P"), "the reason never holds the secret")
            #expect(failed.prURL == nil)
            #expect(failed.details["review"]?["blocked"] == true)
            let secrets = failed.details["review"]?["secrets"]?.arrayValue ?? []
            #expect(secrets.map { "\($0["file"]?.stringValue ?? ""):\($0["line"]?.intValue ?? 0):\($0["kind"]?.stringValue ?? "")" }
                == ["config/deploy.env:2:aws_access_key_id", "keys/id_rsa:1:private_key"])

            // Nothing pushed, gh never called.
            #expect(try repository.remoteBranches() == ["main"])
            #expect(try gh.calls().isEmpty)
            let reviewed = try await GoalHarness.events(store, .goalReviewed)
            #expect(reviewed.first?.details["blocked"] == true)
            #expect(reviewed.first?.details["pr_url"] == .null)
        }
    }

    @Test func aMigrationIsHighRiskAndNotAutoMergedEvenWithAutoMergeOn() async throws {
        let repository = try GoalGitFixture()
        let gh = try FakeGH()
        let root = repository.goalsRoot
        try await GoalHarness.run { engine, _ in
            let goal = try await Self.goal(engine, root: root, repository: repository, files: ["db/migrations/0002_limits.sql": "CREATE TABLE limits (id INTEGER);\n"])
            await Self.publisher(engine, root: root, gh: gh, autoMerge: true).finish(goal)

            let done = try await engine.goal(id: goal.id)
            #expect(done.state == .done, "\(done.reasons)")
            #expect(done.details["review"]?["tier"] == "high")
            let rules = (done.details["review"]?["reasons"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue }
            #expect(rules.contains("path:migrations"))
            #expect(done.details["review"]?["auto_merge"] == false)
            #expect(try gh.calls(["pr", "create"]).count == 1)
            #expect(try gh.calls(["pr", "merge"]).isEmpty, "a high-tier pull request waits for a person")
            let body = try #require(try gh.calls(["pr", "create"]).first?["stdin"]?.stringValue)
            #expect(body.contains("## Risk: high"))
            #expect(body.contains("db/migrations/0002_limits.sql"))
        }
    }

    @Test func aDocsOnlyChangeWithAutoMergeOnAsksGitHubToAutoMerge() async throws {
        let repository = try GoalGitFixture()
        let gh = try FakeGH()
        let root = repository.goalsRoot
        try await GoalHarness.run { engine, _ in
            let goal = try await Self.goal(engine, root: root, repository: repository, files: ["docs/limits.md": "# Limits\n\nRequests are limited.\n"])
            await Self.publisher(engine, root: root, gh: gh, autoMerge: true).finish(goal)

            let done = try await engine.goal(id: goal.id)
            #expect(done.state == .done, "\(done.reasons)")
            #expect(done.details["review"]?["tier"] == "low")
            #expect(done.details["review"]?["auto_merge"] == true)
            let merges = try gh.calls(["pr", "merge"])
            try #require(merges.count == 1)
            #expect((merges[0]["argv"]?.arrayValue ?? []).compactMap(\.stringValue) == ["pr", "merge", "https://github.com/fake/repo/pull/1", "--auto", "--squash"])
        }
        // The same change with auto-merge off is opened and left for a person.
        let other = try GoalGitFixture()
        let quiet = try FakeGH()
        let elsewhere = other.goalsRoot
        try await GoalHarness.run { engine, _ in
            let goal = try await Self.goal(engine, root: elsewhere, repository: other, files: ["docs/limits.md": "# Limits\n"])
            await Self.publisher(engine, root: elsewhere, gh: quiet, autoMerge: false).finish(goal)
            #expect(try await engine.goal(id: goal.id).state == .done)
            #expect(try quiet.calls(["pr", "create"]).count == 1)
            #expect(try quiet.calls(["pr", "merge"]).isEmpty)
        }
    }

    @Test func aFailingFinalVerifyRequestsACorrectiveFixTaskAndPublishesNothing() async throws {
        let repository = try GoalGitFixture()
        let gh = try FakeGH()
        let root = repository.goalsRoot
        try await GoalHarness.run { engine, _ in
            let goal = try await Self.goal(engine, root: root, repository: repository, files: ["docs/limits.md": "# Limits\n"], verify: ["test -f docs/limits.md", "echo 'limits test: 429 expected, got 200' >&2; exit 3"])
            let publisher = Self.publisher(engine, root: root, gh: gh)
            await publisher.finish(goal)

            let back = try await engine.goal(id: goal.id)
            #expect(back.state == .executing, "a corrective step runs: \(back.reasons)")
            let verification = try #require(back.details["verification"])
            #expect(verification["rounds"] == 1)
            #expect(verification["checks"]?[0]?["passed"] == true)
            #expect(verification["checks"]?[1]?["passed"] == false)
            #expect(verification["checks"]?[1]?["exit_code"] == 3)
            #expect(verification["checks"]?[1]?["output"]?.stringValue?.contains("429 expected, got 200") == true)
            let fixes = (verification["fix_tasks"]?.arrayValue ?? []).compactMap(\.stringValue)
            try #require(fixes.count == 1)
            let (fix, _) = try await engine.task(id: fixes[0])
            #expect(fix.spec.type == "goal.fix")
            #expect(fix.spec.metadata?["goal"] == .string(goal.id))
            #expect(fix.spec.prompt?.contains("429 expected, got 200") == true, "the failing output is quoted")

            // Woken again while the fix has not landed: it waits, asks for no second fix.
            await publisher.finish(back)
            let waiting = try await engine.goal(id: goal.id)
            #expect(waiting.state == .executing)
            #expect(waiting.details["verification"]?["fix_tasks"]?.arrayValue?.count == 1)
            #expect(try gh.calls().isEmpty, "nothing is published while verification fails")
            #expect(try repository.remoteBranches() == ["main"])
        }
    }
}
