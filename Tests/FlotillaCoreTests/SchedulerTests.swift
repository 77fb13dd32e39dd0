import Testing
@testable import FlotillaCore

@Suite("Scheduler: lanes, routing, submission")
struct SchedulerTests {
    /// Has one agent work through everything, one task at a time; returns the order.
    func workThrough(_ scheduler: inout Scheduler, agent: String, from start: Double) throws -> [String] {
        var order: [String] = []
        var now = start
        while let id = scheduler.held(by: agent).first {
            order.append(id)
            now += 1
            try scheduler.complete(id, by: agent, now: now)
        }
        return order
    }

    @Test("higher lanes go first: critical, high, normal, low")
    func priorityOrder() throws {
        var scheduler = makeScheduler()
        try scheduler.add(
            spec("low", priority: .low), spec("normal", priority: .normal),
            spec("high", priority: .high), spec("critical", priority: .critical), now: 0
        )
        scheduler.join("a", now: 1)
        #expect(try workThrough(&scheduler, agent: "a", from: 1) == ["critical", "high", "normal", "low"])
    }

    @Test("FIFO within a lane")
    func fifo() throws {
        var scheduler = makeScheduler()
        for (index, id) in ["t1", "t2", "t3", "t4"].enumerated() {
            try scheduler.add(spec(id), now: Double(index))
        }
        scheduler.join("a", now: 10)
        #expect(try workThrough(&scheduler, agent: "a", from: 10) == ["t1", "t2", "t3", "t4"])
    }

    @Test("aging: a low task that waited over 3 aging intervals beats a fresh critical one")
    func agingBeatsCritical() throws {
        var scheduler = makeScheduler(aging: 10)
        try scheduler.add(spec("old-low", priority: .low), now: 0)
        try scheduler.add(spec("fresh-critical", priority: .critical), now: 45)
        scheduler.join("a", now: 45)
        #expect(scheduler.held(by: "a") == ["old-low"])
    }

    @Test("without enough aging the critical task still goes first")
    func noAgingYet() throws {
        var scheduler = makeScheduler(aging: 10)
        try scheduler.add(spec("old-low", priority: .low), now: 0)
        try scheduler.add(spec("fresh-critical", priority: .critical), now: 25)
        scheduler.join("a", now: 25)
        #expect(scheduler.held(by: "a") == ["fresh-critical"])
    }

    @Test("role routing: a task goes only to an agent with its role")
    func roleRouting() throws {
        var scheduler = makeScheduler()
        scheduler.join("generalist", roles: ["general"], now: 0)
        try scheduler.add(spec("t", type: "testing.run"), now: 1)
        #expect(scheduler.task("t")?.spec.role == "testing")
        #expect(scheduler.task("t")?.state == .queued)
        #expect(scheduler.held(by: "generalist").isEmpty)
        #expect(scheduler.takeEffects().assignments.isEmpty)

        scheduler.join("tester", roles: ["review", "testing"], now: 2)
        #expect(scheduler.held(by: "tester") == ["t"])
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(scheduler.task("t")?.agentID == "tester")
        #expect(scheduler.takeEffects().assignments.map(\.agentID) == ["tester"])
    }

    @Test("capability routing: an agent lacking a required capability gets nothing")
    func capabilityRouting() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("gpu-job", capabilities: ["gpu", "cuda"]), now: 0)
        scheduler.join("cpu-only", capabilities: ["linux"], now: 1)
        scheduler.join("half", capabilities: ["gpu"], now: 1)
        scheduler.tick(now: 2)
        #expect(scheduler.task("gpu-job")?.state == .queued)
        #expect(scheduler.held(by: "cpu-only").isEmpty)
        #expect(scheduler.held(by: "half").isEmpty)

        scheduler.join("full", capabilities: ["cuda", "docker", "gpu"], now: 3)
        #expect(scheduler.held(by: "full") == ["gpu-job"])
    }

    @Test("submit hands work to an idle fitting agent at once, no tick needed")
    func submitDispatches() throws {
        var scheduler = makeScheduler()
        let connection = scheduler.join("a", now: 0)
        _ = scheduler.takeEffects()
        let result = try scheduler.submit([spec("t")], now: 1)
        #expect(result.first?.task.state == .assigned)
        #expect(scheduler.takeEffects().assignments == [Sent(connection: connection, agentID: "a", taskID: "t", attempt: 1)])
    }

    @Test("a task without capabilities can go to an agent with some")
    func noCapabilitiesRequired() throws {
        var scheduler = makeScheduler()
        scheduler.join("gpu-box", capabilities: ["gpu"], now: 0)
        try scheduler.add(spec("plain"), now: 1)
        #expect(scheduler.held(by: "gpu-box") == ["plain"])
    }

    @Test("per-agent concurrency: concurrency 2 gets two tasks, not three")
    func concurrency() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("t1"), spec("t2"), spec("t3"), now: 0)
        scheduler.join("a", concurrency: 2, now: 1)
        #expect(scheduler.held(by: "a") == ["t1", "t2"])
        #expect(scheduler.task("t3")?.state == .queued)
        #expect(scheduler.agent("a")?.freeSlots == 0)
        #expect(scheduler.agent("a")?.canTakeWork == false)

        try scheduler.complete("t1", by: "a", now: 2)
        #expect(scheduler.held(by: "a") == ["t2", "t3"])
    }

    @Test("concurrency 1 holds one task at a time")
    func concurrencyOne() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", now: 0)
        try scheduler.add(spec("t1"), spec("t2"), now: 1)
        #expect(scheduler.held(by: "a") == ["t1"])
        #expect(scheduler.task("t2")?.state == .queued)
    }

    @Test("work is spread across free agents, one per agent per pass")
    func spreads() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", concurrency: 4, now: 0)
        scheduler.join("b", concurrency: 4, now: 0)
        try scheduler.add(spec("t1"), spec("t2"), now: 1)
        #expect(scheduler.held(by: "a").count == 1)
        #expect(scheduler.held(by: "b").count == 1)
    }

    @Test("agents that did not say ready, or are draining, get nothing")
    func notReady() throws {
        var scheduler = makeScheduler()
        scheduler.join("idle", ready: false, now: 0)
        scheduler.join("drainer", now: 0)
        let draining = scheduler.drain(agentID: "drainer", now: 0)
        #expect(draining)
        try scheduler.add(spec("t"), now: 1)
        #expect(scheduler.task("t")?.state == .queued)
        let ghostReady = scheduler.ready(agentID: "ghost", now: 2)
        #expect(!ghostReady, "unregistered agents cannot be ready")
        let idleReady = scheduler.ready(agentID: "idle", now: 2)
        #expect(idleReady)
        #expect(scheduler.held(by: "idle") == ["t"])
    }

    @Test("submit with an unknown dependency throws and changes nothing")
    func unknownDependency() {
        var scheduler = makeScheduler()
        let error = caught { try scheduler.submit([spec("ok"), spec("bad", dependsOn: ["ghost"])], now: 0) }
        #expect(error?.code == .unknownDependency)
        #expect(error?.field == "tasks[1].depends_on")
        #expect(error?.httpStatus == 422)
        #expect(scheduler.tasks.isEmpty)
        #expect(scheduler.lanes.count == 0)
        #expect(scheduler.lastSeq == 0)
        let effects = scheduler.takeEffects()
        #expect(effects.isEmpty)
        #expect(effects.events.isEmpty)
    }

    @Test("a batch with a dependency cycle throws and changes nothing")
    func cycle() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("existing"), now: 0)
        _ = scheduler.takeEffects()
        let before = scheduler.lastSeq
        let error = caught {
            try scheduler.submit([spec("a", dependsOn: ["c", "existing"]), spec("b", dependsOn: ["a"]), spec("c", dependsOn: ["b"])], now: 1)
        }
        #expect(error?.code == .dependencyCycle)
        #expect(error?.field == "depends_on")
        #expect(Array(scheduler.tasks.keys) == ["existing"])
        #expect(scheduler.lanes.count == 1)
        #expect(scheduler.lastSeq == before)
        #expect(scheduler.takeEffects().isEmpty)
        let selfLoop = caught { try scheduler.submit([spec("me", dependsOn: ["me"])], now: 2) }
        #expect(selfLoop?.code == .dependencyCycle)
    }

    @Test("client ids must be new")
    func duplicateID() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("x"), now: 0)
        #expect(caught { try scheduler.submit([spec("x")], now: 1) }?.code == .duplicateID)
        #expect(caught { try scheduler.submit([spec("y"), spec("y")], now: 1) }?.field == "tasks[1].id")
        #expect(caught { try scheduler.submit([spec("s")], facts: StoredFacts(states: ["s": .succeeded]), now: 1) }?.code == .duplicateID)
        #expect(scheduler.task("y") == nil)
    }

    @Test("idempotency key within one batch: one task, the repeat points at it")
    func idempotencyInBatch() throws {
        var scheduler = makeScheduler()
        let result = try scheduler.submit([spec(nil, key: "k"), spec(nil, priority: .high, key: "k"), spec(nil)], now: 0)
        #expect(result.map(\.created) == [true, false, true])
        #expect(result[0].task.id == result[1].task.id)
        #expect(result[1].task.spec.priority == .normal, "the first spec with the key wins")
        #expect(scheduler.tasks.count == 2)
        #expect(scheduler.takeEffects().insertedTasks.count == 2)
        #expect(scheduler.taskID(forIdempotencyKey: "k") == result[0].task.id)
    }

    @Test("idempotency key across submissions returns the same task and changes nothing")
    func idempotencyAcross() throws {
        var scheduler = makeScheduler()
        let first = try scheduler.submit([spec(nil, key: "deploy-42")], now: 0)
        _ = scheduler.takeEffects()
        let again = try scheduler.submit([spec(nil, key: "deploy-42"), spec(nil, key: "other")], now: 5)
        #expect(again[0].created == false)
        #expect(again[0].task.id == first[0].task.id)
        #expect(again[0].task.createdAt == 0)
        #expect(again[1].created)
        #expect(scheduler.tasks.count == 2)
        #expect(scheduler.takeEffects().insertedTasks.map(\.id) == [again[1].task.id])
    }

    @Test("an idempotency key known only to the store resolves to the stored task")
    func idempotencyFromStore() throws {
        var scheduler = makeScheduler()
        var stored = TaskRecord(id: "old", spec: spec("old", key: "k"), state: .succeeded, now: 0)
        stored.finishedAt = 3
        let result = try scheduler.submit([spec(nil, key: "k")], facts: StoredFacts(byIdempotencyKey: ["k": stored]), now: 10)
        #expect(result[0].created == false)
        #expect(result[0].task == stored)
        #expect(scheduler.tasks.isEmpty)
        #expect(scheduler.takeEffects().isEmpty)
    }

    @Test("generated ids are unique and a submission is durable before anything else")
    func generatedIDs() throws {
        var scheduler = makeScheduler()
        let result = try scheduler.submit([spec(nil), spec(nil), spec(nil)], now: 0)
        #expect(Set(result.map(\.task.id)).count == 3)
        let effects = scheduler.takeEffects()
        #expect(effects.insertedTasks.map(\.state) == [.queued, .queued, .queued])
        #expect(effects.events("task.queued").count == 3)
        #expect(scheduler.counts[.queued] == 3)
    }

    @Test("events have strictly increasing seq and each is written to the store")
    func eventSequence() throws {
        var scheduler = makeScheduler(lease: 5)
        var events: [EventRecord] = []
        var writtenEvents: [EventRecord] = []
        func collect() {
            let effects = scheduler.takeEffects()
            events += effects.events
            writtenEvents += effects.writes.compactMap { if case .appendEvent(let event) = $0 { event } else { nil } }
        }
        scheduler.join("a", now: 0); collect()
        try scheduler.add(spec("t1"), spec("t2", dependsOn: ["t1"]), now: 1); collect()
        try scheduler.send(.accept, on: "t1", by: "a", now: 2); collect()
        try scheduler.send(.progress(percent: 50, message: "half"), on: "t1", by: "a", now: 3); collect()
        try scheduler.complete("t1", by: "a", now: 4); collect()
        scheduler.tick(now: 20); collect()
        scheduler.tick(now: 21); collect()
        _ = try scheduler.cancel("t2", reason: "enough", now: 22); collect()

        #expect(events.count > 10)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)))
        #expect(writtenEvents == events)
        #expect(scheduler.lastSeq == Int64(events.count))
        #expect(events.map(\.type).contains("task.progress"))
        #expect(events.map(\.type).contains("agent.online"))
        #expect(events.first(where: { $0.type == "task.succeeded" })?.taskID == "t1")
    }
}
