import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaGoals
import FlotillaHub
import Foundation
import Testing

/// Ended goals' directories removed by a real hub (docs/goals.md, "Cleaning up"), with real
/// `flotilla agent` processes (an `openai` planner on the FAKE model server, step agents running
/// a script through the cmd executor), real git repositories and the FAKE `gh`: a done goal's
/// directory goes after publication, a cancelled one's once its running step's agent has
/// stopped (and removed its own worktree), a failed one's stays, and the sweep at start and
/// every few moments removes leftovers of goals the store does not know.
@Suite(.serialized, .timeLimit(.minutes(4))) struct GoalCleanupEndToEndTests {
    /// `goal.workspace_removed` events recorded so far.
    static func removals(_ engine: Engine) async throws -> [EventRecord] {
        try await engine.storedEvents(after: 0, limit: 10_000).filter { $0.type == EventKind.goalWorkspaceRemoved.rawValue }
    }

    /// Waits for the removal event of `goal`; returns it.
    static func removal(of goal: String, _ engine: Engine, within seconds: Double = 30) async throws -> EventRecord {
        try await eventually("goal \(goal)'s directory removed", within: seconds) {
            try await removals(engine).contains { $0.details["goal_id"] == .string(goal) }
        }
        return try #require(try await removals(engine).first { $0.details["goal_id"] == .string(goal) })
    }

    /// A leftover directory of a goal no store knows: a clone-like tree with a file.
    static func leftover(in goals: String) throws -> String {
        let id = GoalRecord.newID()
        try FileManager.default.createDirectory(atPath: "\(goals)/\(id)/repo/.git", withIntermediateDirectories: true)
        try "left over\n".write(toFile: "\(goals)/\(id)/repo/file.txt", atomically: true, encoding: .utf8)
        return id
    }

    @Test func aDoneGoalsDirectoryIsRemovedAfterPublicationWithItsEvent() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a"]))])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        let gh = try FakeGitHub()
        let data = Paths.temporaryDirectory("hub")
        try await LiveHub.run(dataDirectory: data, configure: { $0.goals.gh = gh.path }) { served, client in
            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let id = try #require(try await client.addGoal(title: "Write a file", repo: repo.remote)["id"]?.stringValue)
            let directory = "\(data)/goals/\(id)"
            try await GoalFleet.reach(client, id, "executing", within: 60) { planner.log }
            #expect(FileManager.default.fileExists(atPath: directory + "/repo/.git"), "the goal works in its clone")

            try await GoalFleet.reach(client, id, "done", within: 120) { planner.log + coder.log }
            let event = try await Self.removal(of: id, served.hub.engine)
            #expect(!FileManager.default.fileExists(atPath: directory))
            #expect(event.details["reason"] == "done")
            #expect(event.details["path"] == .string(directory))
            #expect((event.details["bytes"]?.intValue ?? 0) > 0)
            // After the push: the goal branch is on the goal's repository, and one pull request.
            #expect(try git(repo.remote, "show", "flotilla/goal-\(id):a.txt") == "a")
            #expect(gh.calls(["pr", "create"]).count == 1)
            // The goal's own events, through the events API's goal filter, end with the removal.
            let own = try await served.hub.engine.storedEvents(after: 0, limit: 1000, goal: id)
            #expect(own.last?.type == "goal.workspace_removed")
            #expect(own.allSatisfy { $0.details["goal_id"] == .string(id) })
        }
    }

    /// A FAKE step agent's script that runs each step until it is killed and takes its time to
    /// stop: it ignores SIGTERM, so the agent's cancel ends it only with SIGKILL, 2 s later
    /// (ProcessRunner.killGrace), while its worktree of the goal's clone is still there.
    static func stubbornSteps() throws -> String {
        let folder = Paths.temporaryDirectory("goal-steps")
        let script = """
            #!/bin/sh
            trap '' TERM
            dir="$1"
            step=$(printf '%s\\n' "$2" | head -n 1 | cut -d' ' -f1 | tr -d ':')
            echo "$step" >> "$dir/ran.log"
            while true; do sleep 0.1; done
            """
        try script.write(toFile: folder + "/step.sh", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func aCancelledGoalsDirectoryGoesOnlyOnceItsRunningStepsAgentHasStopped() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a", "b"]))])
        defer { server.stop() }
        let steps = try Self.stubbornSteps()
        let data = Paths.temporaryDirectory("hub")
        let coderDirectory = Paths.temporaryDirectory("coder")
        try await LiveHub.run(dataDirectory: data) { served, client in
            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try AgentProcess([
                "--agent-id", "coder-" + UUID().uuidString.prefix(6).lowercased(), "--role", "coder", "--workdir", coderDirectory,
                "--executor", "cmd", "--command-template", "sh \(steps)/step.sh \(steps) {prompt}",
            ], hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let id = try #require(try await client.addGoal(title: "Write files", repo: repo.work)["id"]?.stringValue)
            let directory = "\(data)/goals/\(id)"
            try await GoalFleet.reach(client, id, "executing") { planner.log }
            try await eventually("step a runs in its worktree of the goal's clone") {
                GoalFleet.ran(steps) == ["a"] && !GoalWorkspaces(root: "\(data)/goals").agentWorktrees(goalID: id).isEmpty
            }
            let cancelledAt = ContinuousClock.now
            _ = try await client.cancelGoal(id: id, reason: "wrong repository")
            let event = try await Self.removal(of: id, served.hub.engine)
            #expect(ContinuousClock.now - cancelledAt > .seconds(1.5), "not before the step's agent stopped it (SIGKILL after 2 s)")
            #expect(event.details["reason"] == "cancelled")
            #expect(!FileManager.default.fileExists(atPath: directory))
            // The agent was not cut off: it removed its attempt's worktree itself (with the clone
            // gone first, its `git worktree remove` could not have, and the folder would stay).
            try await eventually("the agent's worktrees are gone") {
                ((try? FileManager.default.contentsOfDirectory(atPath: coderDirectory + "/worktrees")) ?? []).isEmpty
            }
            #expect(GoalFleet.ran(steps) == ["a"], "b never started")
        }
    }

    @Test func aCancelledGoalWhoseCloneWasRemovedIsClonedAgainWhenRetried() async throws {
        let repo = try makeRepository()
        let data = Paths.temporaryDirectory("hub")
        // No planner connects: the goal waits in planning with its clone made.
        try await LiveHub.run(dataDirectory: data) { served, client in
            let id = try #require(try await client.addGoal(title: "Write a file", repo: repo.work)["id"]?.stringValue)
            let clone = "\(data)/goals/\(id)/repo"
            try await eventually("the goal is planning in its clone") {
                let goal = try await client.goal(id: id)
                return goal["state"] == "planning" && !GoalFleet.planningTasks(goal).isEmpty
            }
            let first = try await client.goal(id: id)
            #expect(first["details"]?["branch"]?["clone"] == .string(clone))
            let firstTask = try #require(GoalFleet.planningTasks(first).last)
            _ = try await client.cancelGoal(id: id, reason: "not yet")
            _ = try await Self.removal(of: id, served.hub.engine)
            #expect(!FileManager.default.fileExists(atPath: clone))

            _ = try await client.retryGoal(id: id)
            try await eventually("the retried goal is planning again, in a new clone") {
                let goal = try await client.goal(id: id)
                let tasks = GoalFleet.planningTasks(goal)
                return goal["state"] == "planning" && !tasks.isEmpty && !tasks.contains(firstTask) && FileManager.default.fileExists(atPath: clone + "/.git")
            }
            let goal = try await client.goal(id: id)
            #expect(goal["details"]?["branch"]?["clone"] == .string(clone))
            let task = try await client.task(try #require(GoalFleet.planningTasks(goal).last))
            #expect(task["repo"] == .string(clone))
            #expect(try git(clone, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "flotilla/goal-\(id)") == "flotilla/goal-\(id)")
        }
    }

    @Test func theSweepRemovesLeftoversAtStartAndLaterButAFailedGoalKeepsItsClone() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["a"]))])
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        FileManager.default.createFile(atPath: steps + "/fail-a", contents: nil)
        let data = Paths.temporaryDirectory("hub")
        // A hub stopped between a goal's end and the removal left this behind (its goal is gone
        // from the store), and a folder that is not a goal's.
        let atStart = try Self.leftover(in: data + "/goals")
        try FileManager.default.createDirectory(atPath: data + "/goals/notes", withIntermediateDirectories: true)
        try await LiveHub.run(dataDirectory: data, configure: { $0.goals.cleanup = GoalCleanup.Policy(interval: 0.3) }) { served, client in
            let first = try await Self.removal(of: atStart, served.hub.engine)
            #expect(first.details["reason"] == "unknown")
            #expect(!FileManager.default.fileExists(atPath: "\(data)/goals/\(atStart)"))

            let planner = try GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)
            let coder = try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken)
            defer { planner.stop(); coder.stop() }
            let id = try #require(try await client.addGoal(title: "Write a file", repo: repo.work)["id"]?.stringValue)
            try await GoalFleet.reach(client, id, "failed", within: 120) { planner.log + coder.log }
            // A sweep after the failure: a new leftover goes, the failed goal's clone stays.
            let later = try Self.leftover(in: data + "/goals")
            _ = try await Self.removal(of: later, served.hub.engine)
            #expect(FileManager.default.fileExists(atPath: "\(data)/goals/\(id)/repo/.git"), "a person may inspect it; a retry reuses it")
            #expect(try await Self.removals(served.hub.engine).allSatisfy { $0.details["goal_id"] != .string(id) })
            #expect(FileManager.default.fileExists(atPath: data + "/goals/notes"), "not a goal's directory")
        }
    }

    @Test func aFailedGoalsCloneGoesOnceItFailedLongerAgoThanTheRetentionAge() async throws {
        let repo = try makeRepository()
        let data = Paths.temporaryDirectory("hub")
        // A retention age of 2 s (as RetentionTests do), a sweep every 0.2 s; no goal is carried on.
        try await LiveHub.run(dataDirectory: data, configure: {
            $0.retention = RetentionPolicy(maxAge: 2, interval: 3600)
            $0.goals.concurrency = 0
            $0.goals.cleanup = GoalCleanup.Policy(interval: 0.2)
        }) { served, client in
            let engine = served.hub.engine
            let id = try #require(try await client.addGoal(title: "Write a file", repo: repo.work)["id"]?.stringValue)
            let goal = try await engine.moveGoal(id: id, to: .planning)
            _ = try await GoalWorkspaces(root: data + "/goals").prepare(goal)
            let failed = try await engine.moveGoal(id: id, to: .failed, reason: "no plan")
            #expect(FileManager.default.fileExists(atPath: "\(data)/goals/\(id)/repo/.git"), "kept right after the failure")
            let event = try await Self.removal(of: id, engine, within: 20)
            #expect(event.details["reason"] == "expired")
            #expect(event.ts - (failed.endedAt ?? 0) > 2, "not before the retention age")
            #expect(!FileManager.default.fileExists(atPath: "\(data)/goals/\(id)"))
        }
    }
}
