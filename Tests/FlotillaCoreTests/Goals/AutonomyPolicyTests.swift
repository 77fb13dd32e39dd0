import Testing
@testable import FlotillaCore

/// The initiative's decisions with the time given by hand (docs/goals.md): when to scan, what
/// may be proposed again, when its own goals may start, which state it is in.
@Suite struct AutonomyPolicyTests {
    let policy = AutonomyPolicy(dayBudgetUSD: 2, scanEvery: 600)
    let finding = FindingParsers.failingTests(output: "FAIL: a (x)", exitCode: 1, command: "t", repo: "/r")

    func record(_ status: AutonomyFindingRecord.Status, decidedAt: Double?) -> AutonomyFindingRecord {
        AutonomyFindingRecord(fingerprint: finding.fingerprint, repo: "/r", kind: .failingTests, summary: finding.summary, status: status, goalID: "g_1", firstSeen: 0, lastSeen: 0, decidedAt: decidedAt)
    }

    @Test func scansAreDueEveryScanEvery() {
        #expect(policy.scanDue(lastScan: nil, now: 5))
        #expect(!policy.scanDue(lastScan: 100, now: 699.9))
        #expect(policy.scanDue(lastScan: 100, now: 700))
        #expect(policy.nextScan(lastScan: 100, now: 300) == 700)
    }

    @Test func aRejectedFingerprintIsNeverProposedAgainAndAFinishedOneNotWithinTheCooldown() {
        #expect(policy.proposal(for: finding, known: nil, now: 0) == .propose)
        guard case .skip(let why) = policy.proposal(for: finding, known: record(.rejected, decidedAt: 10), now: 10 + 100 * 365 * 86_400) else {
            Issue.record("a rejected finding was proposed again")
            return
        }
        #expect(why.contains("never proposed again"))
        guard case .skip = policy.proposal(for: finding, known: record(.proposed, decidedAt: nil), now: 1e9) else {
            Issue.record("a proposed finding was proposed twice")
            return
        }
        let day = 86_400.0
        for status in [AutonomyFindingRecord.Status.done, .failed] {
            guard case .skip(let why) = policy.proposal(for: finding, known: record(status, decidedAt: 1000), now: 1000 + 29 * day) else {
                Issue.record("\(status) within the cooldown was proposed")
                return
            }
            #expect(why.contains("not again before"))
            #expect(policy.proposal(for: finding, known: record(status, decidedAt: 1000), now: 1000 + 30 * day) == .propose)
        }
        #expect(AutonomyPolicy.defaultCooldown == 30 * day)
    }

    @Test func itsOwnGoalsStartOnlyApprovedOnAnIdleQueueWithBudgetLeft() {
        #expect(policy.start(approved: true, busyTasks: 0, spentToday: 1.99) == .start)
        guard case .hold(let waiting) = policy.start(approved: false, busyTasks: 0, spentToday: 0),
              case .hold(let busy) = policy.start(approved: true, busyTasks: 3, spentToday: 0),
              case .hold(let spent) = policy.start(approved: true, busyTasks: 0, spentToday: 2) else {
            Issue.record("a goal would start unapproved, on a busy queue, or over budget")
            return
        }
        #expect(waiting.contains("approval"))
        #expect(busy == "the task queue is busy (3 tasks not finished)")
        #expect(spent == "the day budget is spent: $2.00 of $2.00 today")
    }

    @Test func theStateFollowsPrecedence() {
        #expect(policy.state(healing: true, activeGoals: 2, busyTasks: 5, scanning: true, waitingProposals: 1, spentToday: 0) == .healing)
        #expect(policy.state(healing: false, activeGoals: 1, busyTasks: 0, scanning: true, waitingProposals: 1, spentToday: 0) == .executing)
        #expect(policy.state(healing: false, activeGoals: 0, busyTasks: 1, scanning: false, waitingProposals: 0, spentToday: 0) == .executing)
        #expect(policy.state(healing: false, activeGoals: 0, busyTasks: 0, scanning: false, waitingProposals: 1, spentToday: 0) == .improving)
        #expect(policy.state(healing: false, activeGoals: 0, busyTasks: 0, scanning: false, waitingProposals: 1, spentToday: 2) == .resting)
        #expect(policy.state(healing: false, activeGoals: 0, busyTasks: 0, scanning: false, waitingProposals: 0, spentToday: 0) == .resting)
        #expect(AutonomyPolicy.dayStart(86_400 * 3 + 5_000) == 86_400 * 3)
    }

    @Test func onlyDocsAndTestsFindingsAreLowRisk() throws {
        let classifier = try RiskClassifier()
        let docs = FindingParsers.todos(gitGrep: "docs/guide.md:4:TODO explain\nTests/ATests.swift:9:// FIXME flaky\nSources/Auth.swift:1:// TODO\n", repo: "/r")
        #expect(docs.map { AutonomyPolicy.isLowRisk($0, classifier: classifier) } == [true, true, false])
        #expect(!AutonomyPolicy.isLowRisk(finding, classifier: classifier), "failing tests are never low-risk")
    }

    @Test func theAutonomyFileIsReadAndItsMistakesNamed() throws {
        let settings = try AutonomySettings(json: [
            "budget_usd": 3, "scan_every": "30m",
            "repos": [["path": "/srv/api/", "test": "swift test", "allow_low_risk": true], ["path": "/srv/web"]],
        ])
        #expect(settings.budgetUSD == 3)
        #expect(settings.scanEvery == 1800)
        #expect(settings.repos == [AutonomyRepo(path: "/srv/api", test: "swift test", allowLowRisk: true), AutonomyRepo(path: "/srv/web")])
        for (json, code, field) in [
            (["repos": [["path": "/a", "tset": "x"]]] as JSONValue, FlotillaErrorCode.unknownField, "repos[0].tset"),
            (["repos": [["test": "x"]]], .missingField, "repos[0].path"),
            (["scan_every": "soon"], .invalidField, "scan_every"),
            (["scan_every": 0], .invalidField, "scan_every"),
            (["budget_usd": -1], .invalidField, "budget_usd"),
            (["repos": [["path": "/a", "lint": "a\nb"]]], .invalidField, "repos[0].lint"),
            (["repos": [["path": "/a"], ["path": "/a/"]]], .invalidField, "repos[1].path"),
            (["repo": []], .unknownField, "repo"),
        ] {
            let error = caught { try AutonomySettings(json: json) }
            #expect(error?.code == code, "\(json.jsonString)")
            #expect(error?.field == field, "\(json.jsonString)")
        }
    }
}
