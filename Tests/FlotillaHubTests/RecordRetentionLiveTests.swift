import FlotillaClient
import FlotillaCore
import FlotillaGoals
import FlotillaHub
import FlotillaStore
import Foundation
import Testing

/// The hub's maintenance deletes finished workflow runs, decided approvals, final goals and
/// cooled-down findings past the retention, in batches; memory forgets the goals it held, what
/// is not final stays, and the hub starts again on what is left.
@Suite(.timeLimit(.minutes(1))) struct RecordRetentionLiveTests {
    static let longAgo = Date().timeIntervalSince1970 - 400 * 86_400

    /// Rows from long ago, written through the store's commit path before the hub starts:
    /// five of each kind that is over (more than one batch of 2), and one of each that is not.
    static func seed(_ directory: String) async throws {
        let store = try SQLiteStore(configuration: .init(dataDirectory: directory))
        var writes: [StoreWrite] = []
        let at = longAgo
        for index in 0..<5 {
            writes.append(.saveWorkflowRun(WorkflowRunRow(
                id: "run-\(index)", workflow: "ship", file: "ship.yaml", source: "name: ship", status: "succeeded", triggerKind: "manual",
                triggerKey: nil, state: "{}", createdAt: at, updatedAt: at, endedAt: at)))
            let asked = ApprovalRecord(id: "apr-\(index)", agentID: "a1", question: ApprovalQuestion(source: .claudeStdio, tool: "Bash", subject: "Bash(ls)"), createdAt: at, expiresAt: at + 600)
            writes.append(.saveApproval(asked.deciding(allow: false, by: .timeout, decider: nil, reason: "no answer", choice: nil, at: at + 600)))
            writes.append(.saveGoal(GoalRecord(id: "g-old-\(index)", title: "Old \(index)", repo: "/srv/api", state: .done, createdAt: at, updatedAt: at, endedAt: at)))
            writes.append(.saveAutonomyFinding(AutonomyFindingRecord(fingerprint: "todo:\(index)", repo: "/srv/api", kind: .todo, summary: "TODO \(index)",
                                                                     status: .done, firstSeen: at, lastSeen: at, decidedAt: at)))
        }
        // Not over, however old: a pending question (its timeout far away), a queued goal, a
        // rejected finding (never proposed again).
        writes.append(.saveApproval(ApprovalRecord(id: "apr-pending", agentID: "a1", question: ApprovalQuestion(source: .claudeStdio, tool: "Bash", subject: "Bash(rm)"),
                                                   createdAt: at, expiresAt: Date().timeIntervalSince1970 + 86_400)))
        writes.append(.saveGoal(GoalRecord(id: "g-queued", title: "Still to do", repo: "/srv/api", createdAt: at, updatedAt: at)))
        writes.append(.saveAutonomyFinding(AutonomyFindingRecord(fingerprint: "todo:rejected", repo: "/srv/api", kind: .todo, summary: "TODO no",
                                                                 status: .rejected, firstSeen: at, lastSeen: at, decidedAt: at)))
        try await store.commit(writes)
    }

    static func count(_ database: String, _ table: String) throws -> Int {
        Int(try sqlite(database, "SELECT count(*) FROM \(table)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func theMaintenanceServiceDeletesWhatIsOverAndMemoryForgetsTheGoalsItHeld() async throws {
        let directory = TestHub.temporaryDirectory()
        let database = directory + "/flotilla.sqlite"
        try await Self.seed(directory)
        let cancelled = try await TestHub.run(dataDirectory: directory, configure: { configuration in
            configuration.goals.concurrency = 0
            configuration.retention = RetentionPolicy(maxAge: 1, interval: 0.2, batchSize: 2, pause: 0.01)
        }) { hub in
            // A goal that ends while this hub runs is in its memory: once retention deleted its
            // row, the API must not answer it from memory.
            let id = try #require(try await hub.client.addGoal(title: "Short-lived", repo: "/srv/api")["id"]?.stringValue)
            _ = try await hub.client.cancelGoal(id: id, reason: "not needed")
            #expect(try await hub.client.answer(.GET, "/api/goals/\(id)").status == 200)
            try await eventually("the seeded rows that are over are deleted", within: 20) {
                try Self.count(database, "workflow_runs") == 0 && Self.count(database, "approvals") == 1
                    && Self.count(database, "autonomy_findings") == 1 && Self.count(database, "goals") == 1
            }
            try await eventually("the cancelled goal is gone from the store and from memory", within: 20) {
                let answer = try await hub.client.answer(.GET, "/api/goals/\(id)")
                return answer.status == 404 && answer.body["error"]?["code"] == "goal_not_found"
            }
            let goals = try await hub.client.goals()["goals"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
            #expect(goals == ["g-queued"], "the queued goal stays, whatever its age")
            #expect(try sqlite(database, "SELECT fingerprint FROM autonomy_findings").contains("todo:rejected"))
            let pending = try await hub.client.answer(.GET, "/api/approvals?state=pending")
            #expect(pending.body["approvals"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["apr-pending"])
            return id
        }
        // Restarted on what is left: the backlog and the pending question load, the deleted
        // goal stays gone.
        try await TestHub.run(dataDirectory: directory, configure: { $0.goals.concurrency = 0; $0.retention = nil }) { hub in
            #expect(try await hub.client.goal(id: "g-queued")["state"] == "queued")
            #expect(try await hub.client.answer(.GET, "/api/goals/\(cancelled)").status == 404)
            let pending = try await hub.client.answer(.GET, "/api/approvals?state=pending")
            #expect(pending.body["approvals"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["apr-pending"])
            #expect(try await hub.client.answer(.GET, "/api/workflow-runs").status == 200)
            let run = try await hub.client.answer(.GET, "/api/workflow-runs/run-0")
            #expect(run.status == 404 && run.body["error"]?["code"] == "workflow_run_not_found")
            // Decided elsewhere: the pending one is still decidable after the restart.
            #expect(try await hub.client.answer(.POST, "/api/approvals/apr-pending/deny", body: #"{"reason":"no"}"#).status == 200)
        }
    }

    /// A hub whose initiative cools findings down longer than the default keeps them that long;
    /// a shorter cooldown never shortens the default's keep.
    @Test func findingsAreKeptThroughTheInitiativesCooldown() {
        var configuration = HubConfiguration(port: 0, dataDirectory: TestHub.temporaryDirectory())
        #expect(configuration.engine.retention?.findingCooldown == AutonomyPolicy.defaultCooldown)
        configuration.autonomy = AutonomyConfiguration(policy: AutonomyPolicy(cooldown: 90 * 86_400))
        #expect(configuration.engine.retention?.findingCooldown == 90 * 86_400.0)
        #expect(configuration.engine.retention?.cutoffs(now: 1_000_000_000).findings == 1_000_000_000 - 90 * 86_400.0)
        configuration.autonomy = AutonomyConfiguration(policy: AutonomyPolicy(cooldown: 60))
        #expect(configuration.engine.retention?.findingCooldown == AutonomyPolicy.defaultCooldown)
    }
}
