import Testing
@testable import FlotillaCore

/// Issue 20 item 6: after a failed commit the hub rebuilds its scheduler from the store. What
/// did not commit is gone; live connections stay; connection numbers and event sequence go on.
@Suite("Scheduler: reload after a failed commit")
struct SchedulerReloadTests {
    @Test("changes that did not commit are gone; open connections stay; closed ones are offline")
    func reloadKeepsOnlyWhatCommitted() throws {
        var scheduler = makeScheduler()
        let a = scheduler.join("a", ready: false, now: 0)
        let b = scheduler.join("b", ready: false, now: 0)
        try scheduler.add(spec("kept"), now: 1)
        let committed = CommittedRows(scheduler.takeEffects().writes)

        // This batch fails to commit: a new task, and "kept" handed to "a".
        try scheduler.add(spec("lost"), now: 2)
        _ = scheduler.ready(agentID: "a", now: 2)
        #expect(scheduler.held(by: "a") == ["kept"])
        _ = scheduler.takeEffects()

        var fresh = scheduler.reloaded(from: committed.snapshot, open: [a], now: 3)
        #expect(fresh.task("lost") == nil)
        #expect(fresh.task("kept")?.state == .queued && fresh.task("kept")?.attempt == 0)
        #expect(fresh.counts[.queued] == 1)
        #expect(fresh.lastSeq == committed.snapshot.lastEventSeq)
        #expect(fresh.agent("a")?.connection == a && fresh.agent("a")?.held.isEmpty == true)
        #expect(fresh.agent("b")?.connection == nil, "b's socket closed meanwhile")
        #expect(fresh.openConnection() > b, "connection numbers are never reused")

        // The agent still on its socket gets the task again, as attempt 1: the store never saw
        // the first hand-out, and neither did the agent.
        fresh.pump(now: 3)
        let effects = fresh.takeEffects()
        #expect(effects.assignments == [Sent(connection: a, agentID: "a", taskID: "kept", attempt: 1)])
        #expect(effects.events.first?.seq == committed.snapshot.lastEventSeq + 1)
    }
}

/// Rows as a store would hold them after committing `writes` (the last write of a row wins).
struct CommittedRows {
    var snapshot: StoreSnapshot

    init(_ writes: [StoreWrite]) {
        var tasks: [String: TaskRecord] = [:]
        var agents: [String: AgentRecord] = [:]
        var lastSeq: Int64 = 0
        for write in writes {
            switch write {
            case .insertTask(let task), .updateTask(let task): tasks[task.id] = task
            case .appendEvent(let event): lastSeq = max(lastSeq, event.seq)
            case .saveAgent(let agent): agents[agent.registration.id] = agent
            case .saveAttempt, .saveWorkflow, .deleteWorkflow, .saveWorkflowRun, .saveUsage, .saveApproval, .saveNotificationDelivery, .saveNotificationCursor, .saveGoal, .saveAutonomyFinding: break
            }
        }
        var counts: [TaskState: Int] = [:]
        for task in tasks.values { counts[task.state, default: 0] += 1 }
        snapshot = StoreSnapshot(
            activeTasks: tasks.values.filter { !$0.state.isFinal }, stateCounts: counts,
            lastEventSeq: lastSeq, agents: Array(agents.values)
        )
    }
}
