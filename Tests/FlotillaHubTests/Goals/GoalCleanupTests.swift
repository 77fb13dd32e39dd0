import FlotillaCore
import FlotillaEngine
import FlotillaGoals
import FlotillaStore
import Foundation
import Logging
import Synchronization
import Testing

/// GoalCleanup against a real engine on a real SQLite file and real git clones: which goal
/// directories go (done, cancelled, failed past the retention age, unknown to the store), which
/// stay (every other state, failed within the age, anything not a goal's directory), and that
/// nothing working in a clone is cut off. Time is an injected clock, so "a day later" is a number.
@Suite("Goal cleanup") struct GoalCleanupTests {
    /// The cleanup's clock, moved by hand.
    final class Clock: Sendable {
        let now: Mutex<Double>
        init(_ now: Double) { self.now = Mutex(now) }
        func set(_ value: Double) { now.withLock { $0 = value } }
        var read: @Sendable () -> Double { { self.now.withLock { $0 } } }
    }

    static func cleanup(_ engine: Engine, root: String, maxAge: Double? = 86_400, clock: Clock = Clock(Timestamp.now())) -> GoalCleanup {
        var logger = Logger(label: "test.cleanup")
        logger.logLevel = .warning
        return GoalCleanup(engine: engine, workspaces: GoalWorkspaces(root: root), maxAge: maxAge, clock: clock.read, logger: logger)
    }

    /// A stored goal on the fixture's remote moved through `states`, with its clone prepared.
    static func goal(_ engine: Engine, _ fixture: GoalGitFixture, through states: [GoalState]) async throws -> GoalRecord {
        var goal = try await engine.addGoal(GoalRequest(title: "Clean up after me", repo: fixture.remote))
        for state in states { goal = try await engine.moveGoal(id: goal.id, to: state) }
        _ = try await GoalWorkspaces(root: fixture.goalsRoot).prepare(goal)
        return goal
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test("the verdict: done, cancelled and unknown go; failed only past the retention age; every other state stays")
    func verdicts() {
        let now = 1_000_000.0
        func goal(_ state: GoalState, endedAt: Double? = nil) -> GoalRecord {
            GoalRecord(id: GoalRecord.newID(), title: "t", repo: "r", state: state, createdAt: 0, updatedAt: now, endedAt: endedAt)
        }
        #expect(WorkspaceVerdict.of(goal(.done, endedAt: now), maxAge: 100, now: now) == .remove(.done))
        #expect(WorkspaceVerdict.of(goal(.cancelled, endedAt: now), maxAge: 100, now: now) == .remove(.cancelled))
        #expect(WorkspaceVerdict.of(nil, maxAge: 100, now: now) == .remove(.unknown))
        #expect(WorkspaceVerdict.of(goal(.failed, endedAt: now - 100), maxAge: 100, now: now) == .keep, "exactly the age: not older")
        #expect(WorkspaceVerdict.of(goal(.failed, endedAt: now - 101), maxAge: 100, now: now) == .remove(.expired))
        #expect(WorkspaceVerdict.of(goal(.failed, endedAt: now - 1e9), maxAge: nil, now: now) == .keep, "no retention: kept")
        for state in GoalState.allCases where !state.isFinal {
            #expect(WorkspaceVerdict.of(goal(state), maxAge: 0, now: now + 1e9) == .keep, "\(state)")
        }
    }

    @Test("the sweep removes a done goal's directory and an unknown goal's, keeps an executing and a young failed one, and touches nothing that is not a goal's directory")
    func sweep() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        let outside = fixture.directory + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "keep me".write(toFile: outside + "/precious.txt", atomically: true, encoding: .utf8)
        try await GoalHarness.run { engine, store in
            let workspaces = GoalWorkspaces(root: fixture.goalsRoot)
            let done = try await Self.goal(engine, fixture, through: [.planning, .executing, .verifying, .review, .done])
            _ = try await workspaces.mergeWorktree(done)
            // A link inside a goal's directory to a folder outside: removed as a link, never followed.
            try FileManager.default.createSymbolicLink(atPath: "\(fixture.goalsRoot)/\(done.id)/link", withDestinationPath: outside)
            let executing = try await Self.goal(engine, fixture, through: [.planning, .executing])
            let failed = try await Self.goal(engine, fixture, through: [.planning, .failed])
            // A goal the store does not know (deleted): its clone is a leftover.
            let unknown = fixture.goal()
            _ = try await workspaces.prepare(unknown)
            // Not goals' directories: another name, a link named like a goal id, a file named like one.
            let linkID = GoalRecord.newID(), fileID = GoalRecord.newID()
            try FileManager.default.createDirectory(atPath: fixture.goalsRoot + "/not-a-goal", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(fixture.goalsRoot)/\(linkID)", withDestinationPath: outside)
            try "x".write(toFile: "\(fixture.goalsRoot)/\(fileID)", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: fixture.goalsRoot + "/G_0123456789ABCDEF", withIntermediateDirectories: true)

            let removed = await Self.cleanup(engine, root: fixture.goalsRoot).sweep()
            #expect(Set(removed.map(\.goalID)) == [done.id, unknown.id])
            #expect(removed.first { $0.goalID == done.id }?.reason == .done)
            #expect(removed.first { $0.goalID == unknown.id }?.reason == .unknown)
            #expect(removed.allSatisfy { $0.bytes > 0 && $0.path == "\(fixture.goalsRoot)/\($0.goalID)" }, "\(removed)")
            #expect(!Self.exists("\(fixture.goalsRoot)/\(done.id)"))
            #expect(!Self.exists("\(fixture.goalsRoot)/\(unknown.id)"))
            #expect(Self.exists("\(fixture.goalsRoot)/\(executing.id)/repo/.git"), "an executing goal's clone stays")
            #expect(Self.exists("\(fixture.goalsRoot)/\(failed.id)/repo/.git"), "a failed goal's clone stays within the retention age")
            #expect(try String(contentsOfFile: outside + "/precious.txt", encoding: .utf8) == "keep me", "nothing outside is followed")
            for name in ["not-a-goal", linkID, fileID, "G_0123456789ABCDEF"] {
                #expect(Self.exists("\(fixture.goalsRoot)/\(name)"), "\(name) is not a goal's directory: untouched")
            }

            let events = try await GoalHarness.events(store, .goalWorkspaceRemoved)
            #expect(events.count == 2)
            let event = try #require(events.first { $0.details["goal_id"] == .string(done.id) })
            #expect(event.details["reason"] == "done")
            #expect(event.details["path"] == .string("\(fixture.goalsRoot)/\(done.id)"))
            #expect((event.details["bytes"]?.intValue ?? 0) > 0)
            #expect(try await GoalHarness.events(store, .goalWorkspaceRemoved).count == 2)

            // Again: nothing more to do, no more events.
            #expect(await Self.cleanup(engine, root: fixture.goalsRoot).sweep().isEmpty)
            #expect(try await GoalHarness.events(store, .goalWorkspaceRemoved).count == 2)
        }
    }

    @Test("a failed goal keeps its clone until it failed longer ago than the retention age")
    func failedAfterRetention() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        try await GoalHarness.run { engine, store in
            let failed = try await Self.goal(engine, fixture, through: [.planning, .failed])
            let ended = try #require(try await engine.goal(id: failed.id).endedAt)
            let clock = Clock(ended + 3_600)
            let cleanup = Self.cleanup(engine, root: fixture.goalsRoot, maxAge: 86_400, clock: clock)
            #expect(await cleanup.cleanUp(goalID: failed.id) == .kept)
            #expect(await cleanup.sweep().isEmpty)
            #expect(Self.exists("\(fixture.goalsRoot)/\(failed.id)/repo/.git"))
            #expect(try await GoalHarness.events(store, .goalWorkspaceRemoved).isEmpty)

            clock.set(ended + 86_401)
            let removed = await cleanup.sweep()
            #expect(removed.map(\.goalID) == [failed.id])
            #expect(removed.first?.reason == .expired)
            #expect(!Self.exists("\(fixture.goalsRoot)/\(failed.id)"))
            #expect(try await GoalHarness.events(store, .goalWorkspaceRemoved).map { $0.details["reason"] } == ["expired"])
        }
    }

    @Test("an ended goal's directory waits while an agent has a worktree of its clone or the hub still works on it; a worktree left long after the end no longer holds it")
    func waitsForWhatWorksInIt() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        try await GoalHarness.run { engine, store in
            let goal = try await Self.goal(engine, fixture, through: [.planning, .executing])
            let clone = "\(fixture.goalsRoot)/\(goal.id)/repo"
            // An agent's attempt: a worktree of the clone under the agent's own folder.
            let attempt = fixture.directory + "/agent/worktrees/t_1-a1"
            try GoalGitFixture.git(clone, "worktree", "add", "--quiet", "--detach", attempt, goal.branch)
            _ = try await engine.cancelGoal(id: goal.id, reason: "not now")
            let ended = try #require(try await engine.goal(id: goal.id).endedAt)
            let clock = Clock(ended + 1)
            let cleanup = Self.cleanup(engine, root: fixture.goalsRoot, clock: clock)

            #expect(cleanup.workspaces.agentWorktrees(goalID: goal.id) == [attempt])
            #expect(await cleanup.cleanUp(goalID: goal.id) == .waiting)
            #expect(Self.exists(clone + "/.git"))
            // The attempt ends: its agent removes the worktree, as agents do.
            try GoalGitFixture.git(clone, "worktree", "remove", "--force", attempt)
            // The merge queue (or the finisher) still works on the goal.
            let busy = Mutex(true)
            cleanup.addBusyCheck { id in id == goal.id && busy.withLock { $0 } }
            #expect(await cleanup.cleanUp(goalID: goal.id) == .waiting)
            busy.withLock { $0 = false }
            guard case .removed(let removal) = await cleanup.cleanUp(goalID: goal.id) else {
                Issue.record("not removed")
                return
            }
            #expect(removal.reason == .cancelled)
            #expect(!Self.exists("\(fixture.goalsRoot)/\(goal.id)"))
            #expect(try await GoalHarness.events(store, .goalWorkspaceRemoved).map { $0.details["reason"] } == ["cancelled"])

            // Another goal whose agent died with its worktree still there: after the settle time it goes anyway.
            let other = try await Self.goal(engine, fixture, through: [.planning, .executing])
            let otherClone = "\(fixture.goalsRoot)/\(other.id)/repo"
            try GoalGitFixture.git(otherClone, "worktree", "add", "--quiet", "--detach", fixture.directory + "/agent/worktrees/t_2-a1", other.branch)
            _ = try await engine.cancelGoal(id: other.id, reason: "not now")
            let otherEnded = try #require(try await engine.goal(id: other.id).endedAt)
            clock.set(otherEnded + 60)
            #expect(await cleanup.cleanUp(goalID: other.id) == .waiting)
            clock.set(otherEnded + GoalCleanup.Policy().settle + 1)
            #expect(await cleanup.cleanUp(goalID: other.id) != .waiting)
            #expect(!Self.exists("\(fixture.goalsRoot)/\(other.id)"))
        }
    }

    @Test("the finisher holds the removal back while it runs for the goal")
    func finisherHoldsIt() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        try await GoalHarness.run { engine, _ in
            let goal = try await Self.goal(engine, fixture, through: [.planning, .executing, .verifying, .review])
            let cleanup = Self.cleanup(engine, root: fixture.goalsRoot)
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)
            let (released, release) = AsyncStream.makeStream(of: Void.self)
            // A finisher that ends the goal, then still works in its clone until released.
            let finish = cleanup.tracking { goal in
                _ = try? await engine.moveGoal(id: goal.id, to: .done)
                enter.yield()
                for await _ in released { break }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await finish(goal) }
                for await _ in entered { break }
                #expect(await cleanup.cleanUp(goalID: goal.id) == .waiting, "done, but the finisher still runs")
                #expect(Self.exists("\(fixture.goalsRoot)/\(goal.id)/repo/.git"))
                release.yield()
                try await group.waitForAll()
            }
            guard case .removed(let removal) = await cleanup.cleanUp(goalID: goal.id) else {
                Issue.record("not removed once the finisher returned")
                return
            }
            #expect(removal.reason == .done)
        }
    }

    @Test("bad input: an id that is not the hub's shape is refused with goal_invalid and nothing is removed; a goal without a directory is absent")
    func badInput() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        let workspaces = GoalWorkspaces(root: fixture.goalsRoot)
        try FileManager.default.createDirectory(atPath: fixture.goalsRoot + "/sub", withIntermediateDirectories: true)
        for id in ["..", "../goals", "", "g_0123", "g_0123456789ABCDEF", "sub"] {
            let error = await #expect(throws: GoalError.self) { try await workspaces.removeDirectory(goalID: id, reason: .unknown) }
            #expect(error?.code == .invalidGoal, "\(id)")
        }
        #expect(Self.exists(fixture.goalsRoot + "/sub"))
        #expect(Self.exists(fixture.remote))
        #expect(try await workspaces.removeDirectory(goalID: GoalRecord.newID(), reason: .done) == .absent)
    }
}
