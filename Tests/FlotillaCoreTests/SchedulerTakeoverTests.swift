import Testing
@testable import FlotillaCore

/// Issue 20 item 2: a live agent stays with the token it registered with, and only its live
/// session, serving the task's roles, may report on its attempts.
@Suite("Scheduler: no takeover of a live agent, reports fenced by session and role")
struct SchedulerTakeoverTests {
    @Test("another token may not take a live agent over; the same token (a reconnect) may")
    func takeover() {
        var scheduler = makeScheduler()
        let first = scheduler.openConnection()
        _ = scheduler.register(AgentRegistration(id: "deploy-1", roles: ["deployment"]), connection: first, holder: "tok-a", now: 0)
        let second = scheduler.openConnection()
        let refusal = scheduler.takeoverRefusal(of: "deploy-1", connection: second, holder: "tok-b")
        #expect(refusal?.code == .agentInUse)
        #expect(refusal?.httpStatus == 409)
        #expect(scheduler.takeoverRefusal(of: "deploy-1", connection: second, holder: "tok-a") == nil, "a reconnect with its own token supersedes")
        #expect(scheduler.takeoverRefusal(of: "deploy-1", connection: first, holder: "tok-b") == nil, "its own connection is no takeover")
        scheduler.disconnect(connection: first, now: 1)
        #expect(scheduler.takeoverRefusal(of: "deploy-1", connection: second, holder: "tok-b") == nil, "an offline agent may be taken over (a new token minted for it)")
    }

    @Test("a report from a connection that is not the agent's live session is refused and changes nothing")
    func reportFromASupersededConnection() throws {
        var scheduler = makeScheduler()
        let old = scheduler.join("a", now: 0)
        try scheduler.add(spec("t"), now: 0)
        #expect(scheduler.task("t")?.state == .assigned)
        let new = scheduler.openConnection()
        _ = scheduler.register(AgentRegistration(id: "a", roles: ["general"]), connection: new, now: 1)
        let report = AttemptReport(taskID: "t", attempt: 1, kind: .complete(result: ["forged": true]))
        let refused = caught { try scheduler.report(report, from: "a", connection: old, now: 2) }
        #expect(refused?.code == .forbidden)
        #expect(scheduler.task("t")?.state == .assigned)
        #expect(try scheduler.report(report, from: "a", connection: new, now: 3) == .applied, "the live session's report counts")
        #expect(scheduler.held(by: "a").isEmpty)
    }

    @Test("an agent that no longer serves the task's roles may not finish its attempt")
    func reportFromAnotherRole() throws {
        var scheduler = makeScheduler()
        let connection = scheduler.join("deploy-1", roles: ["deployment"], now: 0)
        try scheduler.add(spec("d", type: "deployment.deploy"), now: 0)
        #expect(scheduler.task("d")?.agentID == "deploy-1")
        // Registered again on the same connection, now serving only `testing`.
        _ = scheduler.register(AgentRegistration(id: "deploy-1", roles: ["testing"]), connection: connection, now: 1)
        let refused = caught { try scheduler.complete("d", by: "deploy-1", now: 2) }
        #expect(refused?.code == .forbidden)
        #expect(scheduler.task("d")?.state == .assigned, "nothing changed")
    }
}
