import FlotillaClient
import FlotillaCore
import FlotillaGoals
import FlotillaHub
import Foundation
import NIOHTTP1
import Testing

/// The hub's own initiative (issue 25 part 5) on a real hub (port 0, SQLite) scanning a real
/// git repository, with its clock moved by hand: no test waits on real time passing.
@Suite struct AutonomyLiveTests {
    static let start = 1_800_000_000.0

    static func configure(_ configuration: inout HubConfiguration, repo: String, clock: ManualAutonomyClock) {
        configuration.autonomy = AutonomyConfiguration(
            policy: AutonomyPolicy(dayBudgetUSD: 5, scanEvery: 600),
            repos: [AutonomyRepo(path: repo, test: AutonomyRepoFixture.testCommand)],
            clock: clock
        )
    }

    static func goals(_ hub: TestHub) async throws -> [JSONValue] {
        try await hub.client.goals()["goals"]?.arrayValue ?? []
    }

    static func status(_ hub: TestHub) async throws -> JSONValue {
        let answer = try await hub.client.answer(.GET, "/api/autonomy")
        guard answer.status == 200 else { throw TestFailure("GET /api/autonomy: \(answer.status) \(answer.body)") }
        return answer.body
    }

    static func decisions(_ hub: TestHub, _ kind: String) async throws -> [JSONValue] {
        try await hub.hub.engine.storedEvents(after: 0, limit: 5_000).filter { $0.type == "autonomy.decision" && $0.data["decision"]?.stringValue == kind }.map(\.data)
    }

    @Test func aFailingTestBecomesOneProposalAndOnceDeniedIsNeverProposedAgainEvenAfterARestart() async throws {
        let repo = try AutonomyRepoFixture.failingRepository()
        let directory = TestHub.temporaryDirectory()
        let clock = ManualAutonomyClock(Self.start)
        let fingerprint = try await TestHub.run(dataDirectory: directory, configure: { Self.configure(&$0, repo: repo, clock: clock) }) { hub in
            let autonomy = try #require(hub.hub.autonomy)
            try await autonomy.advance(clock, to: Self.start)

            let goals = try await Self.goals(hub)
            try #require(goals.count == 1, "one failing test command, one proposal: \(goals)")
            let goal = goals[0]
            let goalID = try #require(goal["id"]?.stringValue)
            #expect(goal["state"] == "queued")
            #expect(goal["repo"] == .string(repo))
            #expect(goal["verify"] == [.string(AutonomyRepoFixture.testCommand)], "the goal must make the test command pass")
            #expect(goal["details"]?["autonomy"]?["origin"] == "autonomy")
            let finding = try #require(goal["details"]?["autonomy"]?["finding"])
            #expect(finding["kind"] == "failing_tests")
            #expect(finding["summary"] == "1 failing test: test_add (test_math.MathTests.test_add)")
            let fingerprint = try #require(finding["fingerprint"]?.stringValue)

            // It waits for a person: an approval request from the hub itself.
            let pending = try #require(try await hub.client.approvals(query: ["state": "pending"])["approvals"]?.arrayValue)
            try #require(pending.count == 1)
            #expect(pending[0]["source"] == "goal_proposal")
            #expect(pending[0]["subject"] == "Goal(failing_tests: 1 failing test: test_add (test_math.MathTests.test_add))")
            #expect(pending[0]["input"]?["goal_id"] == .string(goalID))
            #expect(await autonomy.startGate(try await hub.hub.engine.goal(id: goalID)) == false, "not before a person allowed it")

            // The next scan finds the same failing test: nothing new is proposed.
            try await autonomy.advance(clock, to: Self.start + 600)
            #expect(try await Self.goals(hub).count == 1)
            let seen = try #require(try await Self.status(hub)["findings"]?.arrayValue)
            #expect(seen.count == 1)
            #expect(seen.first?["status"] == "proposed")
            #expect(seen.first?["last_seen"]?.doubleValue ?? 0 >= Self.start + 600)

            // A person denies it through the approvals API: the goal is cancelled, the finding rejected.
            let approvalID = try #require(pending[0]["id"]?.stringValue)
            let denied = try await hub.client.answer(.POST, "/api/approvals/\(approvalID)/deny", body: #"{"reason": "we are rewriting the math module"}"#)
            #expect(denied.status == 200)
            try await eventually("the goal cancelled and its finding rejected") {
                let finding = try await Self.status(hub)["findings"]?.arrayValue?.first
                let goal = try await hub.client.goal(id: goalID)
                return finding?["status"] == "rejected" && goal["state"] == "cancelled"
            }
            let cancelled = try await hub.client.goal(id: goalID)
            #expect(cancelled["reasons"]?.arrayValue?.last?.stringValue?.contains("we are rewriting the math module") == true)
            #expect(try await Self.decisions(hub, "rejected").map { $0["fingerprint"] } == [.string(fingerprint)])

            // Forty days later (past any cooldown) the test still fails: still not proposed.
            try await autonomy.advance(clock, to: Self.start + 40 * 86_400)
            #expect(try await Self.goals(hub).count == 1)
            let skips = try await Self.decisions(hub, "skip")
            #expect(skips.last?["fingerprint"] == .string(fingerprint))
            #expect(skips.last?["reason"]?.stringValue?.contains("never proposed again") == true)
            #expect(try await Self.decisions(hub, "propose").count == 1)
            return fingerprint
        }

        // A new hub on the same data remembers the rejected fingerprint.
        let later = ManualAutonomyClock(Self.start + 41 * 86_400)
        try await TestHub.run(dataDirectory: directory, configure: { Self.configure(&$0, repo: repo, clock: later) }) { hub in
            let autonomy = try #require(hub.hub.autonomy)
            try await autonomy.advance(later, to: Self.start + 41 * 86_400)
            #expect(try await Self.goals(hub).count == 1, "no second proposal after a restart")
            let findings = try #require(try await Self.status(hub)["findings"]?.arrayValue)
            #expect(findings.map { $0["fingerprint"] } == [.string(fingerprint)])
            #expect(findings.first?["status"] == "rejected")
            #expect(try await Self.decisions(hub, "propose").count == 1)
        }
    }

    @Test func theGoalServiceStartsItsApprovedGoalOnlyOnceTheQueueIsIdle() async throws {
        let repo = try AutonomyRepoFixture.failingRepository()
        let clock = ManualAutonomyClock(Self.start)
        try await TestHub.run(configure: { Self.configure(&$0, repo: repo, clock: clock) }) { hub in
            let autonomy = try #require(hub.hub.autonomy)
            try await autonomy.advance(clock, to: Self.start)
            let goalID = try #require(try await Self.goals(hub).first?["id"]?.stringValue)
            // Unapproved, the goal service may not start it.
            try await eventually("the goal service asked and was told to hold") {
                try await Self.decisions(hub, "hold").contains { $0["goal_id"] == .string(goalID) && $0["reason"] == "its proposal waits for a person's approval" }
            }
            #expect(try await hub.client.goal(id: goalID)["state"] == "queued")

            // Busy: a task waits for an agent nobody runs. Approved now, the goal still waits.
            let task = try await hub.client.submit(TaskSpec(type: "code.review", role: "reviewer"))
            let approvalID = try #require(try await hub.client.approvals(query: ["state": "pending"])["approvals"]?.arrayValue?.first?["id"]?.stringValue)
            _ = try await hub.client.decideApproval(id: approvalID, allow: true, reason: "go ahead", choice: nil)
            try await eventually("held for the busy queue") {
                try await Self.decisions(hub, "hold").contains { $0["goal_id"] == .string(goalID) && $0["reason"] == "the task queue is busy (1 task not finished)" }
            }
            #expect(try await hub.client.goal(id: goalID)["state"] == "queued", "a busy queue does not start it")
            #expect(try await Self.decisions(hub, "start").isEmpty)
            // A person's goal is not the initiative's to hold (asked directly: the goal service would start it).
            let now = Timestamp.now()
            #expect(await autonomy.startGate(GoalRecord(id: "g_0000000000000001", title: "Write the changelog", repo: repo, createdAt: now, updatedAt: now)))

            // Idle again: the goal service starts it.
            _ = try await hub.client.answer(.POST, "/api/tasks/\(task.id)/cancel")
            try await eventually("the goal started") {
                try await hub.client.goal(id: goalID)["state"] != "queued"
            }
            let starts = try await Self.decisions(hub, "start")
            #expect(starts.map { $0["goal_id"] } == [.string(goalID)], "one start decision: \(starts)")
        }
    }

    @Test func itHealsOfflineAgentsWorkAtOnceAndReportsStuckAgents() async throws {
        let repo = try AutonomyRepoFixture.failingRepository()
        let clock = ManualAutonomyClock(Self.start)
        try await TestHub.run(configure: { Self.configure(&$0, repo: repo, clock: clock) }) { hub in
            let autonomy = try #require(hub.hub.autonomy)
            let task = try await hub.client.submit(TaskSpec(type: "code.review", role: "general"))
            // The agent takes the task, accepts it, and goes away: its lease would run 30 s.
            try await TestAgent.run(hub, id: "worker-1") { agent in
                let (taskID, attempt, _) = try await agent.assignment()
                #expect(taskID == task.id)
                try await agent.report(.accept, taskID: taskID, attempt: attempt)
            }
            try await eventually("the agent offline") { hub.hub.engine.agents().first?.connection == nil }
            try await autonomy.advance(clock, to: Self.start + 1)
            let held = try await hub.hub.engine.task(id: task.id).0
            #expect(held.state.isHeld && held.agentID == "worker-1", "not within the grace: an agent may reconnect (\(held.state))")
            try await autonomy.advance(clock, to: Self.start + 11)
            let (record, attempts) = try await hub.hub.engine.task(id: task.id)
            #expect(record.state == .queued, "back in the queue 11 s after, well before its 30 s lease ran out")
            #expect(attempts.first?.outcome == .released)
            let releases = try await Self.decisions(hub, "release")
            #expect(releases.first?["reason"]?.stringValue?.contains("worker-1") == true)

            hub.hub.engine.recordObservation(.agentStuck, agentID: "pane-coder", data: [:])
            try await eventually("the stuck agent reported") {
                try await Self.decisions(hub, "stuck").contains { $0["reason"]?.stringValue?.contains("pane-coder") == true }
            }
            let stuck = try await Self.decisions(hub, "stuck")
            #expect(stuck.last?["reason"] == "agent pane-coder is stuck; the hub does not watch its fleet (--watch-panes), so it cannot restart it")
            let states = try await hub.hub.engine.storedEvents(after: 0, limit: 5_000).filter { $0.type == "autonomy.state_changed" }.compactMap { $0.data["to"]?.stringValue }
            #expect(states.contains("healing"))
        }
    }

    @Test func aLowRiskFindingInAnAllowingRepositoryIsQueuedWithoutAskingAPerson() async throws {
        let repo = try AutonomyRepoFixture.failingRepository()
        try FileManager.default.createDirectory(atPath: repo + "/docs", withIntermediateDirectories: true)
        try "# Guide\n\nTODO explain the flags\n".write(toFile: repo + "/docs/guide.md", atomically: true, encoding: .utf8)
        try AutonomyRepoFixture.git(["add", "."], in: repo)
        let clock = ManualAutonomyClock(Self.start)
        try await TestHub.run(configure: {
            $0.autonomy = AutonomyConfiguration(policy: AutonomyPolicy(scanEvery: 600), repos: [AutonomyRepo(path: repo, allowLowRisk: true)], clock: clock)
        }) { hub in
            let autonomy = try #require(hub.hub.autonomy)
            try await autonomy.advance(clock, to: Self.start)
            let goals = try await Self.goals(hub)
            try #require(goals.count == 1)
            #expect(goals[0]["title"] == "Resolve docs/guide.md:3: TODO explain the flags")
            #expect(goals[0]["verify"] == [], "a TODO has no command to pass")
            #expect(try await hub.client.approvals(query: ["state": "all"])["approvals"]?.arrayValue?.isEmpty == true, "nobody is asked")
            try await eventually("its approval announced") { try await !Self.decisions(hub, "approved").isEmpty }
            #expect(try await Self.decisions(hub, "approved").first?["reason"] == "low-risk, and its repository allows low-risk proposals")
            #expect(await autonomy.startGate(try await hub.hub.engine.goal(id: try #require(goals[0]["id"]?.stringValue))))
        }
    }

    @Test func anUnansweredProposalExpiresAndComesBackAfterTheCooldown() async throws {
        let repo = try AutonomyRepoFixture.failingRepository()
        let clock = ManualAutonomyClock(Self.start)
        try await TestHub.run(configure: {
            Self.configure(&$0, repo: repo, clock: clock)
            $0.approvals.timeout = 1
        }) { hub in
            let autonomy = try #require(hub.hub.autonomy)
            try await autonomy.advance(clock, to: Self.start)
            let first = try #require(try await Self.goals(hub).first?["id"]?.stringValue)
            // Nobody answers within the approvals timeout (1 s, the hub's real clock).
            try await eventually("the proposal expired", within: 15) {
                try await Self.status(hub)["findings"]?.arrayValue?.first?["status"] == "failed"
            }
            #expect(try await hub.client.goal(id: first)["state"] == "cancelled")
            #expect(try await Self.decisions(hub, "expired").first?["goal_id"] == .string(first))
            // Within the cooldown: not again.
            try await autonomy.advance(clock, to: Self.start + 29 * 86_400)
            #expect(try await Self.goals(hub).count == 1)
            // After it: proposed again, as a new goal.
            try await autonomy.advance(clock, to: Self.start + 31 * 86_400)
            let goals = try await Self.goals(hub)
            #expect(goals.count == 2)
            let again = try #require(try await Self.status(hub)["findings"]?.arrayValue?.first)
            // Proposed again. The 1 s approvals timeout runs on the hub's real clock, and on a
            // loaded machine this second proposal expired too before the status was read; the
            // decision log's second proposal is the proof, and the finding points at the new goal.
            #expect(try await Self.decisions(hub, "propose").count == 2)
            #expect(again["status"] == "proposed" || again["status"] == "failed", "\(again)")
            #expect(again["goal_id"] == goals.first?["id"])
            #expect(again["goal_id"] != .string(first))
        }
    }

    @Test func theRouteSaysWhenTheInitiativeIsOffAndShowsItWhenOn() async throws {
        try await TestHub.run { hub in
            let answer = try await hub.client.answer(.GET, "/api/autonomy")
            #expect(answer.status == 404)
            #expect(answer.body["error"]?["code"] == "not_found")
            #expect(answer.body["error"]?["message"]?.stringValue?.contains("--autonomy") == true)
        }
        let repo = try AutonomyRepoFixture.failingRepository()
        let clock = ManualAutonomyClock(Self.start)
        try await TestHub.run(configure: { Self.configure(&$0, repo: repo, clock: clock) }) { hub in
            try await hub.hub.autonomy!.advance(clock, to: Self.start)
            let status = try await Self.status(hub)
            #expect(status["enabled"] == true)
            #expect(status["budget"]?["day_usd"]?.doubleValue == 5)
            #expect(status["budget"]?["spent_usd"]?.doubleValue == 0)
            #expect(status["scan_every"]?.doubleValue == 600)
            #expect(status["last_scan_at"]?.doubleValue == Self.start)
            #expect(status["repos"]?.arrayValue?.first?["test"] == .string(AutonomyRepoFixture.testCommand))
            #expect(["improving", "resting"].contains(status["state"]?.stringValue ?? ""))
            let decisions = try #require(status["decisions"]?.arrayValue)
            #expect(decisions.contains { $0["decision"] == "propose" })
            #expect(decisions.map { $0["at"]?.doubleValue ?? 0 } == decisions.map { $0["at"]?.doubleValue ?? 0 }.sorted(by: >), "newest first")
            let bad = try await hub.client.answer(.GET, "/api/autonomy?limit=0")
            #expect(bad.status == 400)
            #expect(bad.body["error"]?["field"] == "limit")
        }
    }
}
