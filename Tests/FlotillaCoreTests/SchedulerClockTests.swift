import Testing
@testable import FlotillaCore

/// A hub's two clocks for a test: the wall clock (which can step) and a monotonic one (which
/// only moves with real time). Every operation first tells the scheduler both, as the hub does.
struct TwoClocks {
    var wall: Double = 1_000
    var monotonic: Double = 0

    /// Real time passes: both clocks move.
    mutating func advance(_ seconds: Double) { wall += seconds; monotonic += seconds }
    /// The wall clock steps (NTP, an operator); no real time passes.
    mutating func step(_ seconds: Double) { wall += seconds }

    func tick(_ scheduler: inout Scheduler) {
        scheduler.observeClock(wall: wall, monotonic: monotonic)
        scheduler.tick(now: wall)
    }

    func heartbeat(_ scheduler: inout Scheduler, _ agent: String) {
        scheduler.observeClock(wall: wall, monotonic: monotonic)
        _ = scheduler.heartbeat(agentID: agent, body: nil, now: wall)
    }
}

@Suite struct SchedulerClockTests {
    /// A scheduler with agent `a` holding (and running) `t1`, started at wall 1000.
    func running(_ task: TaskSpec = spec("t1"), lease: Double = 30, policy: (inout SchedulerPolicy) -> Void = { _ in }, clocks: TwoClocks) throws -> Scheduler {
        var scheduler = makeScheduler(lease: lease)
        policy(&scheduler.policy)
        scheduler.observeClock(wall: clocks.wall, monotonic: clocks.monotonic)
        scheduler.join("a", roles: ["general", "testing"], now: clocks.wall)
        try scheduler.add(task, now: clocks.wall)
        try scheduler.send(.accept, on: task.id!, by: "a", now: clocks.wall)
        #expect(scheduler.held(by: "a") == [task.id!])
        _ = scheduler.takeEffects()
        return scheduler
    }

    @Test("a wall clock step forward expires no lease: the lease counts real seconds")
    func stepForward() throws {
        var clocks = TwoClocks()
        var scheduler = try running(clocks: clocks)
        clocks.advance(10)
        clocks.heartbeat(&scheduler, "a")  // lease until 30 real seconds from now
        clocks.step(30)  // the wall clock now reads past the lease's wall-clock end
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a") == ["t1"], "a 30 s step must not expire the lease")
        #expect(scheduler.takeEffects().cancels.isEmpty)
        clocks.advance(29)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a") == ["t1"])
        clocks.advance(1)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a").isEmpty, "30 real seconds without a heartbeat end the lease")
        #expect(scheduler.takeEffects().cancels.map(\.taskID) == ["t1"])
    }

    @Test("a wall clock step back does not stretch a lease")
    func stepBack() throws {
        var clocks = TwoClocks()
        var scheduler = try running(clocks: clocks)
        clocks.step(-60)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a") == ["t1"])
        clocks.advance(29)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a") == ["t1"])
        clocks.advance(1)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a").isEmpty, "the lease ends 30 real seconds after it was given, not 90")
    }

    @Test("timeouts count real seconds across a step")
    func timeoutAcrossStep() throws {
        var clocks = TwoClocks()
        var scheduler = try running(spec("t1", timeout: 100), lease: 1_000, clocks: clocks)
        clocks.step(3_600)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a") == ["t1"], "an hour's step is not an hour's work")
        clocks.advance(99)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a") == ["t1"])
        clocks.advance(1)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a").isEmpty)
        #expect(scheduler.task("t1")?.error == "timeout after 100s")
    }

    @Test("a TTL is not run out by a step forward")
    func ttlAcrossStep() throws {
        var clocks = TwoClocks()
        var scheduler = makeScheduler()
        scheduler.observeClock(wall: clocks.wall, monotonic: clocks.monotonic)
        var ttl = spec("t1")
        ttl.ttlSeconds = 60
        try scheduler.add(ttl, now: clocks.wall)
        clocks.step(120)
        clocks.tick(&scheduler)
        #expect(scheduler.task("t1")?.state == .queued)
        clocks.advance(60)
        clocks.tick(&scheduler)
        #expect(scheduler.task("t1") == nil, "expired after 60 real seconds")
    }

    @Test("slow drift is followed without moving deadlines")
    func drift() throws {
        var clocks = TwoClocks()
        var scheduler = try running(clocks: clocks)
        let lease = scheduler.task("t1")?.leaseExpiresAt
        clocks.step(0.5)
        clocks.tick(&scheduler)
        #expect(scheduler.task("t1")?.leaseExpiresAt == lease)
        #expect(scheduler.observeClock(wall: clocks.wall + 0.25, monotonic: clocks.monotonic) == nil)
        #expect(scheduler.observeClock(wall: clocks.wall + 5.25, monotonic: clocks.monotonic) == 5)
    }

    @Test("without timeout_seconds the hub's default limits an attempt, even while heartbeats renew its lease")
    func defaultTimeout() throws {
        var clocks = TwoClocks()
        var scheduler = try running(policy: { $0.defaultTimeout = 50 }, clocks: clocks)
        for _ in 0..<4 {
            clocks.advance(10)
            clocks.heartbeat(&scheduler, "a")
            clocks.tick(&scheduler)
        }
        #expect(scheduler.held(by: "a") == ["t1"])
        clocks.advance(10)
        clocks.tick(&scheduler)
        #expect(scheduler.held(by: "a").isEmpty)
        #expect(scheduler.task("t1")?.error == "timeout after 50s")
    }

    @Test("the limit is the task's own, else its role's, else the hub's; the assignment carries it")
    func timeoutPrecedence() throws {
        var policy = SchedulerPolicy()
        policy.defaultTimeout = 7_200
        policy.roleTimeouts = ["testing": 20]
        #expect(policy.timeout(for: spec("a", type: "testing.run")) == 20)
        #expect(policy.timeout(for: spec("b", type: "testing.run", timeout: 5)) == 5)
        #expect(policy.timeout(for: spec("c", type: "code.generate")) == 7_200)
        policy.defaultTimeout = nil
        #expect(policy.timeout(for: spec("d", type: "code.generate")) == nil)
        #expect(SchedulerPolicy().timeout(for: spec("e")) == SchedulerPolicy.defaultTaskTimeout)

        var scheduler = makeScheduler()
        scheduler.policy.roleTimeouts = ["testing": 20]
        scheduler.join("a", roles: ["testing"], now: 0)
        try scheduler.add(spec("t1", type: "testing.run"), now: 0)
        let assignment = try #require(scheduler.takeEffects().outbound.first { $0.envelope.type == .assignment })
        #expect(assignment.envelope.metadata?["ttl"] == 20)
    }
}
