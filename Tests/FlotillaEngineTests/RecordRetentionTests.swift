import FlotillaCore
import FlotillaStore
import Foundation
import Testing

/// Retention of finished workflow runs, decided approvals, final goals and the initiative's
/// finished findings, on a real SQLite file: an old final row goes, a new one stays, a row that
/// is not final (or that something not final still reads) stays whatever its age.
@Suite struct RecordRetentionTests {
    static let day = 86_400.0
    /// Now, and a retention of 30 days: "old" rows are 40 days old, "new" ones a day old.
    static let now = 1_800_000_000.0
    static let old = now - 40 * day
    static let recent = now - day
    static let cutoffs = RetentionPolicy().cutoffs(now: now)

    // MARK: fixtures

    static func run(_ id: String, workflow: String = "ship", status: WorkflowRunStatus, key: String? = nil, at time: Double) -> WorkflowRunRow {
        var row = WorkflowRunRow(
            id: id, workflow: workflow, file: "\(workflow).yaml", source: "name: \(workflow)", status: status.rawValue,
            triggerKind: key == nil ? "manual" : "schedule", triggerKey: key, state: #"{"run_id":"\#(id)"}"#, createdAt: time - 60, updatedAt: time,
            endedAt: status.isFinal ? time : nil
        )
        row.stepStates = ["build": #"{"n":1}"#]
        return row
    }

    static func approval(_ id: String, state: ApprovalState, at time: Double, source: ApprovalSource = .claudeStdio) -> ApprovalRecord {
        let record = ApprovalRecord(id: id, agentID: "a1", question: ApprovalQuestion(source: source, tool: "Bash", subject: "Bash(ls)"), createdAt: time - 5, expiresAt: time + 600)
        guard state != .pending else { return record }
        return record.deciding(allow: state == .allowed, by: .person, decider: "ops", reason: nil, choice: nil, at: time)
    }

    static func goal(_ id: String, state: GoalState, at time: Double, runID: String? = nil, planApproval: String? = nil) -> GoalRecord {
        var goal = GoalRecord(id: id, title: "Goal \(id)", repo: "/srv/api", state: state, runID: runID, createdAt: time - 3_600, updatedAt: time, endedAt: state.isFinal ? time : nil)
        if let planApproval { goal.details["planning"] = ["approval_id": .string(planApproval)] }
        return goal
    }

    static func finding(_ fingerprint: String, status: AutonomyFindingRecord.Status, decidedAt: Double?, goalID: String? = nil, approvalID: String? = nil) -> AutonomyFindingRecord {
        AutonomyFindingRecord(fingerprint: fingerprint, repo: "/srv/api", kind: .todo, summary: "TODO: \(fingerprint)", status: status, goalID: goalID, approvalID: approvalID,
                              firstSeen: old - 10 * day, lastSeen: old - 10 * day, decidedAt: decidedAt)
    }

    static func store() throws -> (SQLiteStore, String) {
        let path = EngineHarness.temporaryDatabase()
        return (try SQLiteStore(configuration: .init(path: path)), path)
    }

    static func ids(_ store: SQLiteStore) async throws -> (runs: Set<String>, approvals: Set<String>, goals: Set<String>, findings: Set<String>) {
        let runs = try await store.workflowRuns(WorkflowRunQuery(limit: 1000)).map(\.id)
        let approvals = try await store.approvals(ApprovalQuery(state: nil, limit: 1000)).map(\.id)
        let goals = try await store.goals(GoalQuery(limit: 1000)).map(\.id)
        let findings = try await store.autonomyFindings(limit: 1000).map(\.fingerprint)
        return (Set(runs), Set(approvals), Set(goals), Set(findings))
    }

    // MARK: tests

    @Test("finished runs past the age go with their steps; new, running, a live goal's and each schedule's newest run stay")
    func finishedWorkflowRuns() async throws {
        let (store, path) = try Self.store()
        try await store.commit([
            .saveWorkflowRun(Self.run("old-succeeded", status: .succeeded, at: Self.old)),
            .saveWorkflowRun(Self.run("old-failed", status: .failed, at: Self.old)),
            .saveWorkflowRun(Self.run("old-cancelled", status: .cancelled, at: Self.old)),
            .saveWorkflowRun(Self.run("new-succeeded", status: .succeeded, at: Self.recent)),
            .saveWorkflowRun(Self.run("old-running", status: .running, at: Self.old)),
            // A goal still verifying reads the run it executed.
            .saveWorkflowRun(Self.run("old-of-live-goal", status: .succeeded, at: Self.old)),
            .saveGoal(Self.goal("g-verifying", state: .verifying, at: Self.old, runID: "old-of-live-goal")),
            // Schedule 0 fired twice long ago: the older slot goes, the newest stays (it says when
            // the schedule last fired). Schedule 1 of the same workflow keeps its own newest.
            .saveWorkflowRun(Self.run("slot-1", status: .succeeded, key: "schedule:ship:0:1000", at: Self.old - Self.day)),
            .saveWorkflowRun(Self.run("slot-2", status: .succeeded, key: "schedule:ship:0:2000", at: Self.old)),
            .saveWorkflowRun(Self.run("other-schedule", status: .failed, key: "schedule:ship:1:1500", at: Self.old - 2 * Self.day)),
        ])
        let count = try await store.prune(Self.cutoffs, batch: 100)
        #expect(count.runs == 4)
        let left = try await Self.ids(store).runs
        #expect(left == ["new-succeeded", "old-running", "old-of-live-goal", "slot-2", "other-schedule"])
        #expect(try await store.latestTriggerKey(workflow: "ship", prefix: "schedule:ship:0:") == "schedule:ship:0:2000")
        #expect(try await store.latestTriggerKey(workflow: "ship", prefix: "schedule:ship:1:") == "schedule:ship:1:1500")
        let steps = try sqliteRows(path, "SELECT DISTINCT run_id FROM workflow_run_steps ORDER BY run_id")
        #expect(Set(steps) == left, "the deleted runs' steps went, the kept ones' stayed")
        #expect(try await store.workflowRun(id: "old-running")?.state.contains(#""build""#) == true, "a kept run reads whole (its steps joined into its state)")

        // Once the goal has ended, its run goes too.
        try await store.commit([.saveGoal(Self.goal("g-verifying", state: .done, at: Self.recent, runID: "old-of-live-goal"))])
        #expect(try await store.prune(Self.cutoffs, batch: 100).runs == 1)
        #expect(try await store.workflowRun(id: "old-of-live-goal") == nil)
    }

    @Test("decided approvals past the age go; pending, new, and those a waiting goal or an open proposal reads stay")
    func decidedApprovals() async throws {
        let (store, _) = try Self.store()
        try await store.commit([
            .saveApproval(Self.approval("apr-old-allowed", state: .allowed, at: Self.old)),
            .saveApproval(Self.approval("apr-old-denied", state: .denied, at: Self.old)),
            .saveApproval(Self.approval("apr-new-allowed", state: .allowed, at: Self.recent)),
            // Asked long ago and still open (its timeout is far away): never deleted.
            .saveApproval(Self.approval("apr-old-pending", state: .pending, at: Self.old)),
            // A goal waiting on its plan reads its approval's decision.
            .saveApproval(Self.approval("apr-plan", state: .allowed, at: Self.old, source: .goalPlan)),
            .saveGoal(Self.goal("g-awaiting", state: .awaitingApproval, at: Self.old, planApproval: "apr-plan")),
            // An open proposal's goal starts only once its approval reads `allowed`.
            .saveApproval(Self.approval("apr-proposal", state: .allowed, at: Self.old, source: .goalProposal)),
            .saveGoal(Self.goal("g-proposed", state: .queued, at: Self.old)),
            .saveAutonomyFinding(Self.finding("todo:open", status: .proposed, decidedAt: nil, goalID: "g-proposed", approvalID: "apr-proposal")),
        ])
        let count = try await store.prune(Self.cutoffs, batch: 100)
        #expect(count.approvals == 2)
        #expect(try await Self.ids(store).approvals == ["apr-new-allowed", "apr-old-pending", "apr-plan", "apr-proposal"])
        #expect(try await store.approval(id: "apr-old-pending")?.state == .pending)
    }

    @Test("final goals past the age go; new, unfinished and an open proposal's goal stay")
    func finalGoals() async throws {
        let (store, _) = try Self.store()
        try await store.commit([
            .saveGoal(Self.goal("g-old-done", state: .done, at: Self.old)),
            .saveGoal(Self.goal("g-old-failed", state: .failed, at: Self.old)),
            .saveGoal(Self.goal("g-old-cancelled", state: .cancelled, at: Self.old)),
            .saveGoal(Self.goal("g-new-done", state: .done, at: Self.recent)),
            .saveGoal(Self.goal("g-old-executing", state: .executing, at: Self.old)),
            .saveGoal(Self.goal("g-old-queued", state: .queued, at: Self.old)),
            // The finding is still `proposed`: it is settled from its goal's end (cancelled by a
            // person → rejected for good), so the goal stays until it is.
            .saveGoal(Self.goal("g-proposal-cancelled", state: .cancelled, at: Self.old)),
            .saveAutonomyFinding(Self.finding("todo:unsettled", status: .proposed, decidedAt: nil, goalID: "g-proposal-cancelled")),
        ])
        let count = try await store.prune(Self.cutoffs, batch: 100)
        #expect(count.goals == 3)
        #expect(Set(count.goalIDs) == ["g-old-done", "g-old-failed", "g-old-cancelled"])
        #expect(try await Self.ids(store).goals == ["g-new-done", "g-old-executing", "g-old-queued", "g-proposal-cancelled"])
        #expect(try await store.activeGoals().map(\.id).sorted() == ["g-old-executing", "g-old-queued"])
    }

    @Test("findings: rejected and proposed ones stay for good, done and failed ones only go once their cooldown is over, so none is proposed sooner")
    func findingsKeepTheirCooldown() async throws {
        let (store, _) = try Self.store()
        // A retention of 10 days, shorter than the initiative's cooldown of 30.
        let retention = RetentionPolicy(maxAge: 10 * Self.day)
        let cutoffs = retention.cutoffs(now: Self.now)
        #expect(cutoffs.findings == Self.now - AutonomyPolicy.defaultCooldown)
        let records = [
            Self.finding("todo:rejected-long-ago", status: .rejected, decidedAt: Self.now - 400 * Self.day),
            Self.finding("todo:proposed-long-ago", status: .proposed, decidedAt: nil),
            Self.finding("todo:done-cooled", status: .done, decidedAt: Self.now - 31 * Self.day),
            Self.finding("todo:failed-cooled", status: .failed, decidedAt: Self.now - 45 * Self.day),
            // Older than the retention, still within the cooldown: its row stops a proposal.
            Self.finding("todo:done-cooling", status: .done, decidedAt: Self.now - 20 * Self.day),
            Self.finding("todo:failed-cooling", status: .failed, decidedAt: Self.now - 29 * Self.day),
        ]
        try await store.commit(records.map(StoreWrite.saveAutonomyFinding))
        let count = try await store.prune(cutoffs, batch: 100)
        #expect(count.findings == 2)
        let left = try await Self.ids(store).findings
        #expect(left == ["todo:rejected-long-ago", "todo:proposed-long-ago", "todo:done-cooling", "todo:failed-cooling"])
        // What went would be proposed now with or without its row; what stayed is still refused.
        let policy = AutonomyPolicy()
        for record in records {
            let seen = AutonomyFinding(kind: .todo, repo: record.repo, summary: record.summary, key: record.fingerprint)
            let withRow = policy.proposal(for: seen, known: record, now: Self.now)
            if left.contains(record.fingerprint) {
                #expect(withRow != .propose, "\(record.fingerprint) still guards against a proposal")
            } else {
                #expect(withRow == .propose, "\(record.fingerprint) was past its cooldown: deleting it changes nothing")
            }
        }
    }

    @Test("a pass deletes in batches of the given size, each kind, and the store reopens with what is left")
    func batchesAndReopen() async throws {
        let (store, path) = try Self.store()
        var writes: [StoreWrite] = []
        for index in 0..<7 {
            writes.append(.saveWorkflowRun(Self.run("run-\(index)", status: .succeeded, at: Self.old)))
            writes.append(.saveApproval(Self.approval("apr-\(index)", state: .denied, at: Self.old)))
            writes.append(.saveGoal(Self.goal("g-\(index)", state: .failed, at: Self.old)))
            writes.append(.saveAutonomyFinding(Self.finding("todo:\(index)", status: .done, decidedAt: Self.old)))
        }
        writes.append(.saveGoal(Self.goal("g-live", state: .planning, at: Self.old)))
        writes.append(.saveApproval(Self.approval("apr-live", state: .pending, at: Self.old)))
        writes.append(.saveWorkflowRun(Self.run("run-live", status: .running, at: Self.old)))
        try await store.commit(writes)

        var batches: [PruneCount] = []
        while true {
            let batch = try await store.prune(Self.cutoffs, batch: 3)
            batches.append(batch)
            if !batch.filled(3) { break }
        }
        #expect(batches.map(\.runs) == [3, 3, 1])
        #expect(batches.map(\.approvals) == [3, 3, 1])
        #expect(batches.map(\.goals) == [3, 3, 1])
        #expect(batches.map(\.findings) == [3, 3, 1])
        #expect(batches.reduce(PruneCount(), +).goalIDs.count == 7)

        // A new store on the same file (a restart) reads what is left, and what is not final.
        let reopened = try SQLiteStore(configuration: .init(path: path))
        let left = try await Self.ids(reopened)
        #expect(left.runs == ["run-live"] && left.approvals == ["apr-live"] && left.goals == ["g-live"] && left.findings.isEmpty)
        #expect(try await reopened.activeGoals().map(\.id) == ["g-live"])
        #expect(try await reopened.activeWorkflowRuns().map(\.id) == ["run-live"])
        #expect(try await reopened.approvals(ApprovalQuery(state: .pending)).map(\.id) == ["apr-live"])
        _ = try await reopened.loadSnapshot()
    }

    @Test("the ledger stays: a deleted goal's cost lines are the money record")
    func theLedgerStays() async throws {
        let (store, _) = try Self.store()
        try await store.commit([
            .saveGoal(Self.goal("g-spent", state: .done, at: Self.old)),
            .saveUsage(UsageRecord(taskID: "t1", attempt: 1, agentID: "a1", role: "coder", type: "goal.step", goal: "g-spent", day: "2026-01-01",
                                   recordedAt: Self.old, usage: Usage(inputTokens: 10, outputTokens: 20, usd: 0.25), isFinal: true)),
        ])
        #expect(try await store.prune(Self.cutoffs, batch: 100).goals == 1)
        #expect(try await store.goalCosts(ids: ["g-spent"])["g-spent"]?.usage.usd == 0.25)
    }
}

/// One query's rows on a SQLite file (Python's sqlite3 module; python3 is a test dependency),
/// each row's columns joined by `|`.
func sqliteRows(_ path: String, _ query: String) throws -> [String] {
    try python(["import sqlite3,sys", "for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(str(c) for c in row))"], path, query)
        .split(separator: "\n").map(String.init)
}

private func python(_ lines: [String], _ path: String, _ argument: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", lines.joined(separator: "\n"), path, argument]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestFailure("python3 sqlite3 failed: \(argument)") }
    return String(decoding: data, as: UTF8.self)
}
