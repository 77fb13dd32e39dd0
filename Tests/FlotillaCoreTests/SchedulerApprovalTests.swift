import Testing
@testable import FlotillaCore

/// Approval requests in the scheduler (Scheduler+approvals.swift): rules at request time, the
/// timeout policy, and cancellation when the asking attempt or agent goes away.
@Suite("Scheduler: approvals")
struct SchedulerApprovalTests {
    func question(_ command: String, task: String? = "t") -> ApprovalQuestion {
        ApprovalQuestion(source: .claudeStdio, taskID: task, tool: "Bash", input: ["command": .string(command)])
    }

    func decisions(_ effects: Scheduler.Effects) -> [JSONValue] {
        effects.outbound.filter { $0.envelope.type == .approvalDecision }.map(\.envelope.payload)
    }

    @Test("a pending request is stored and announced; a person's decision goes to the asking connection")
    func personDecides() throws {
        var scheduler = makeScheduler()
        let connection = scheduler.join("a", now: 1)
        try scheduler.add(spec("t"), now: 1)
        _ = scheduler.takeEffects()
        let record = try scheduler.requestApproval(question("rm -rf build"), agentID: "a", role: nil, ref: "m-7", connection: connection, now: 2)
        #expect(record.isPending)
        #expect(record.id.hasPrefix("apr_") && record.id.count == 20)
        #expect(record.role == "general")
        #expect(record.question.attempt == 1)
        #expect(record.expiresAt == 602)
        var effects = scheduler.takeEffects()
        #expect(effects.events("approval.requested").count == 1)
        #expect(effects.events("approval.requested").first?.taskID == "t")
        #expect(decisions(effects).isEmpty)
        let decided = try scheduler.decideApproval(id: record.id, allow: false, decider: "ops", reason: "not today", choice: nil, now: 3)
        #expect(decided.state == .denied)
        effects = scheduler.takeEffects()
        #expect(effects.events("approval.decided").first?.details["decided_by"] == "person")
        #expect(effects.decidedApprovals.map(\.id) == [record.id])
        let sent = effects.outbound.filter { $0.envelope.type == .approvalDecision }
        #expect(sent.map(\.connection) == [connection])
        #expect(sent.first?.envelope.payload["ref"] == "m-7")
        #expect(sent.first?.envelope.payload["decision"] == "deny")
        #expect(sent.first?.envelope.payload["reason"] == "not today")
        #expect(caught { try scheduler.decideApproval(id: record.id, allow: true, decider: nil, reason: nil, choice: nil, now: 4) }?.code == .approvalNotFound)
    }

    @Test("a rule decides at request time, recorded as requested then decided by the rule")
    func ruleDecides() throws {
        var scheduler = makeScheduler()
        scheduler.approvalPolicy = try ApprovalPolicy(json: ["rules": [["allow": [#"^Bash\(swift test"#], "deny": [#"^Bash\(rm -rf"#]]]])
        let connection = scheduler.join("a", now: 1)
        try scheduler.add(spec("t"), now: 1)
        let allowed = try scheduler.requestApproval(question("swift test"), agentID: "a", role: nil, ref: "m-1", connection: connection, now: 2)
        #expect(allowed.state == .allowed && allowed.decidedBy == .rule && allowed.decider == #"^Bash\(swift test"#)
        let denied = try scheduler.requestApproval(question("rm -rf /"), agentID: "a", role: nil, ref: "m-2", connection: connection, now: 2)
        #expect(denied.state == .denied && denied.reason?.contains("deny rule") == true)
        let effects = scheduler.takeEffects()
        #expect(effects.events.filter { $0.type.hasPrefix("approval.") }.map(\.type) == ["approval.requested", "approval.decided", "approval.requested", "approval.decided"])
        #expect(decisions(effects).map { $0["decision"] } == ["allow", "deny"])
        #expect(scheduler.pendingApprovalRecords.isEmpty)
    }

    @Test("the timeout policy decides what nobody answered, and only that")
    func timeout() throws {
        var scheduler = makeScheduler()
        scheduler.approvalPolicy = try ApprovalPolicy(json: ["timeout": 10, "on_timeout": "allow_read_only"])
        let read = try scheduler.requestApproval(ApprovalQuestion(source: .claudeHook, tool: "Read", input: ["file_path": "a"]), agentID: "tmux-1", role: nil, ref: nil, now: 0)
        let write = try scheduler.requestApproval(ApprovalQuestion(source: .claudeHook, tool: "Write", input: ["file_path": "a"]), agentID: "tmux-1", role: nil, ref: nil, now: 5)
        _ = scheduler.takeEffects()
        scheduler.expireApprovals(now: 9.9)
        #expect(scheduler.takeEffects().decidedApprovals.isEmpty)
        scheduler.expireApprovals(now: 10)
        let first = scheduler.takeEffects().decidedApprovals
        #expect(first.map(\.id) == [read.id])
        #expect(first.first?.state == .allowed && first.first?.decidedBy == .timeout)
        scheduler.expireApprovals(now: 15)
        let second = scheduler.takeEffects().decidedApprovals
        #expect(second.map(\.id) == [write.id])
        #expect(second.first?.state == .denied && second.first?.reason == "no answer in 10 s")
    }

    @Test("the attempt ending or the agent going offline cancels its pending requests")
    func cancelled() throws {
        var scheduler = makeScheduler()
        let connection = scheduler.join("a", now: 1)
        try scheduler.add(spec("t"), now: 1)
        let first = try scheduler.requestApproval(question("x"), agentID: "a", role: nil, ref: "m-1", connection: connection, now: 2)
        _ = scheduler.takeEffects()
        try scheduler.complete("t", by: "a", now: 3)
        var effects = scheduler.takeEffects()
        #expect(effects.decidedApprovals.map(\.decidedBy) == [.cancelled])
        #expect(effects.decidedApprovals.first?.id == first.id && effects.decidedApprovals.first?.state == .denied)
        #expect(decisions(effects).first?["decided_by"] == "cancelled", "the agent hears it while connected")
        // Offline: a request without a task is cancelled too.
        let second = try scheduler.requestApproval(question("y", task: nil), agentID: "a", role: nil, ref: "m-2", connection: connection, now: 4)
        _ = scheduler.takeEffects()
        scheduler.disconnect(connection: connection, now: 5)
        effects = scheduler.takeEffects()
        #expect(effects.decidedApprovals.map(\.id) == [second.id])
        #expect(effects.decidedApprovals.first?.reason?.contains("offline") == true)
    }

    @Test("over the protocol, only an attempt the agent holds may ask; the connection must be its session")
    func fenced() throws {
        var scheduler = makeScheduler()
        let a = scheduler.join("a", now: 1)
        let b = scheduler.join("b", now: 1)
        try scheduler.add(spec("t"), now: 1)
        let holder = scheduler.task("t")?.agentID
        let other = holder == "a" ? "b" : "a"
        let otherConnection = holder == "a" ? b : a
        _ = scheduler.takeEffects()
        #expect(caught { try scheduler.requestApproval(question("x"), agentID: other, role: nil, ref: "m", connection: otherConnection, now: 2) }?.code == .staleAttempt)
        var stale = question("x")
        stale.attempt = 9
        #expect(caught { try scheduler.requestApproval(stale, agentID: holder!, role: nil, ref: "m", connection: holder == "a" ? a : b, now: 2) }?.code == .staleAttempt)
        #expect(caught { try scheduler.requestApproval(question("x"), agentID: holder!, role: nil, ref: "m", connection: otherConnection, now: 2) }?.code == .forbidden)
        #expect(scheduler.takeEffects().writes.isEmpty, "a refused request stores nothing")
    }

    @Test("pending requests survive a restart through the snapshot")
    func restored() throws {
        var scheduler = makeScheduler()
        let record = try scheduler.requestApproval(question("x", task: nil), agentID: "tmux-1", role: nil, ref: nil, now: 1)
        var snapshot = StoreSnapshot(activeTasks: [], stateCounts: [:], lastEventSeq: 2, agents: [])
        snapshot.pendingApprovals = [record]
        var restarted = makeScheduler()
        restarted.restore(snapshot, now: 2)
        #expect(restarted.pendingApproval(record.id) == record)
    }
}
