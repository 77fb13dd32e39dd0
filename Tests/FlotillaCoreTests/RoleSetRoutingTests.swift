import Testing
@testable import FlotillaCore

/// A task type gives a set of roles that may take it (seeds/000's table); an explicit role still
/// means exactly that role. Issue 19 item 3.
@Suite("Scheduler: role sets per task type")
struct RoleSetRoutingTests {
    @Test("code.generate without a role goes to a development agent (the README's pair)")
    func codeGenerateToDevelopment() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("gen", type: "code.generate"), now: 0)
        scheduler.join("dev", roles: ["development"], now: 1)
        #expect(scheduler.held(by: "dev") == ["gen"])
        #expect(scheduler.task("gen")?.spec.role == "general")
        #expect(scheduler.task("gen")?.spec.roles == ["general", "development"])
    }

    @Test("every role of the type's set may take it: code.review → review or general")
    func anyRoleOfTheSet() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("r1", type: "code.review"), spec("r2", type: "code.review"), now: 0)
        scheduler.join("reviewer", roles: ["review"], now: 1)
        scheduler.join("generalist", roles: ["general"], now: 1)
        #expect(scheduler.held(by: "reviewer").count == 1)
        #expect(scheduler.held(by: "generalist").count == 1)
    }

    @Test("an explicit role means exactly that role")
    func explicitRoleIsExact() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("only-general", type: "code.generate", role: "general"), now: 0)
        scheduler.join("dev", roles: ["development"], now: 1)
        #expect(scheduler.held(by: "dev").isEmpty)
        #expect(scheduler.task("only-general")?.spec.roles == ["general"])
        scheduler.join("generalist", roles: ["general"], now: 2)
        #expect(scheduler.held(by: "generalist") == ["only-general"])
    }

    @Test("FIFO holds across a role-set lane and a single-role lane of the same priority")
    func fifoAcrossLanes() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("first", type: "code.generate"), now: 0)  // general|development
        try scheduler.add(spec("second", type: "x", role: "development"), now: 1)
        try scheduler.add(spec("third", type: "code.generate"), now: 2)
        scheduler.join("dev", roles: ["development"], now: 3)
        var order: [String] = []
        var now = 3.0
        while let id = scheduler.held(by: "dev").first {
            order.append(id)
            now += 1
            try scheduler.complete(id, by: "dev", now: now)
        }
        #expect(order == ["first", "second", "third"])
    }

    @Test("a stored spec keeps its role set (the spec round-trips through its JSON)")
    func roundTrip() throws {
        let derived = try TaskSpec(json: ["type": "code.generate"])
        #expect(try TaskSpec(json: derived.json).roles == ["general", "development"])
        let explicit = try TaskSpec(json: ["type": "code.generate", "role": "general"])
        #expect(try TaskSpec(json: explicit.json).roles == ["general"])
        let chosen = try TaskSpec(json: ["type": "x", "roles": ["a", "b"]])
        #expect(chosen.role == "a" && chosen.roles == ["a", "b"])
    }

    @Test("a role outside the roles given is refused, naming the field")
    func roleOutsideRoles() {
        let error = caught { try TaskSpec(json: ["type": "x", "role": "c", "roles": ["a", "b"]]) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == "roles")
    }
}

/// `waiting` on a task: why it is not running. Issue 19 item 3.
@Suite("Scheduler: why a task waits")
struct WaitingReasonTests {
    @Test("queued with no agent serving its roles: no_fitting_agent, naming the roles")
    func noFittingAgent() throws {
        var scheduler = makeScheduler()
        try scheduler.add(spec("t", type: "code.generate", capabilities: ["swift"]), now: 0)
        scheduler.join("dev-without-swift", roles: ["development"], now: 1)
        let reasons = try #require(scheduler.waitingReasons("t", now: 2))
        #expect(reasons.map(\.kind) == [.noFittingAgent])
        #expect(reasons[0].details["roles"] == ["general", "development"])
        #expect(reasons[0].message.contains("general or development with capabilities swift"))
    }

    @Test("fitting agents all busy: agents_busy, naming them")
    func agentsBusy() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", roles: ["general"], now: 0)
        try scheduler.add(spec("first"), spec("second"), now: 1)
        #expect(scheduler.held(by: "a") == ["first"])
        let reasons = try #require(scheduler.waitingReasons("second", now: 2))
        #expect(reasons.map(\.kind) == [.agentsBusy])
        #expect(reasons[0].details["agents"] == ["a"])
        #expect(scheduler.waitingReasons("first", now: 2) == nil)
    }

    @Test("blocked: the dependencies not yet succeeded")
    func dependencies() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", roles: ["general"], ready: false, now: 0)
        try scheduler.add(spec("dep1"), spec("dep2"), spec("child", dependsOn: ["dep1", "dep2"]), now: 1)
        let reasons = try #require(scheduler.waitingReasons("child", now: 2))
        #expect(reasons.map(\.kind) == [.dependencies])
        #expect(reasons[0].details["tasks"] == ["dep1", "dep2"])
    }

    @Test("failed and waiting to retry: backoff until the retry time")
    func backoff() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", roles: ["general"], now: 0)
        try scheduler.add(spec("flaky"), now: 0)
        try scheduler.fail("flaky", by: "a", now: 1)
        let reasons = try #require(scheduler.waitingReasons("flaky", now: 1.5))
        #expect(reasons.first?.kind == .backoff)
        #expect(reasons.first?.details["until"] == .string(Timestamp.iso8601(2)))
    }

    @Test("a finished or unknown task does not wait")
    func notWaiting() throws {
        var scheduler = makeScheduler()
        scheduler.join("a", roles: ["general"], now: 0)
        try scheduler.add(spec("t"), now: 0)
        try scheduler.complete("t", by: "a", now: 1)
        #expect(scheduler.waitingReasons("t", now: 2) == nil)
        #expect(scheduler.waitingReasons("nope", now: 2) == nil)
    }
}
