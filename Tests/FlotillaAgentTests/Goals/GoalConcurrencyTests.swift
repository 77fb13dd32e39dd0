import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Synchronization
import Testing

/// Goals move independently (docs/goals.md, "Planning"): a real hub with `--goal-concurrency 2`,
/// real agents (an `openai` planner on the FAKE model server, step agents running the step
/// script), real repositories. One goal's slow clone or blocked merge verify holds up no other
/// goal, and a goal cancelled while its merge verifies is cancelled at once, its merge dropped.
@Suite(.serialized, .timeLimit(.minutes(4))) struct GoalConcurrencyTests {
    /// A folder with `gate.sh`, a verify command that blocks until the test releases it: it
    /// writes its pid to `verify.pid`, appends a line to `verify.log`, then waits (at most
    /// 120 s, then fails) until `release` exists here.
    static func gateFolder() throws -> String {
        let folder = Paths.temporaryDirectory("goal-gate")
        let script = """
            #!/bin/sh
            dir="$1"
            echo $$ > "$dir/verify.pid"
            echo started >> "$dir/verify.log"
            i=0
            while [ ! -e "$dir/release" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
            [ -e "$dir/release" ]
            """
        try script.write(toFile: folder + "/gate.sh", atomically: true, encoding: .utf8)
        return folder
    }

    static func gate(_ folder: String) -> String { "sh \(folder)/gate.sh \(folder)" }

    static func verifyRuns(_ folder: String) -> Int {
        ((try? String(contentsOfFile: folder + "/verify.log", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// The fleet of these tests: a planner answering every request with a one-step plan, two coders.
    static func fleet(_ server: FakeModelServer, _ steps: String, served: ServedHub) throws -> [AgentProcess] {
        try [GoalFleet.planner(server, hub: served.baseURL, token: served.adminToken)]
            + (0..<2).map { _ in try GoalFleet.coder(steps, hub: served.baseURL, token: served.adminToken) }
    }

    static func configure(_ gh: FakeGitHub) -> (inout HubConfiguration) -> Void {
        { $0.goals.concurrency = 2; $0.goals.gh = gh.path }
    }

    @Test func aSlowCloneHoldsUpNoOtherGoal() async throws {
        let slowRepo = try makeRepository(), quickRepo = try makeRepository()
        let remote = try await HeldGitServer(serving: slowRepo.remote)
        defer { remote.stop() }
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["x"]))], repeatLast: true)
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: Self.configure(gh)) { served, client in
            let agents = try Self.fleet(server, steps, served: served)
            defer { agents.forEach { $0.stop() } }
            let logs: @Sendable () -> String = { agents.map(\.log).joined() }
            let slow = try #require(try await client.addGoal(title: "Clone a slow remote", repo: remote.url, priority: 90)["id"]?.stringValue)
            try await eventually("the slow goal's clone reaches its remote") { !remote.requests.isEmpty }

            // While that clone hangs, the other goal plans, runs, merges and is published.
            let quick = try #require(try await client.addGoal(title: "Quick goal", repo: quickRepo.remote, priority: 10)["id"]?.stringValue)
            let done = try await GoalFleet.reach(client, quick, "done", within: 90, logs: logs)
            #expect(done["details"]?["merges"]?["x"]?["state"] == "merged")
            let held = try await client.goal(id: slow)
            #expect(held["state"] == "planning", "still cloning: \(held)")
            #expect(GoalFleet.planningTasks(held).isEmpty, "no planning task before its clone: \(held)")

            // Released, the slow goal's clone completes and its planning goes on.
            remote.release()
            try await eventually("the slow goal gets its planning task once cloned", within: 60) {
                !GoalFleet.planningTasks(try await client.goal(id: slow)).isEmpty
            }
            _ = try await client.cancelGoal(id: slow)
        }
    }

    @Test func aGoalBeingClonedTakesItsPlaceSoNoOtherStarts() async throws {
        let slowRepo = try makeRepository(), quickRepo = try makeRepository()
        let remote = try await HeldGitServer(serving: slowRepo.remote)
        defer { remote.stop() }
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["x"]))], repeatLast: true)
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: { $0.goals.concurrency = 1; $0.goals.gh = gh.path }) { served, client in
            let agents = try Self.fleet(server, steps, served: served)
            defer { agents.forEach { $0.stop() } }
            let logs: @Sendable () -> String = { agents.map(\.log).joined() }
            let slow = try #require(try await client.addGoal(title: "Clone a slow remote", repo: remote.url)["id"]?.stringValue)
            try await eventually("the slow goal's clone reaches its remote") { !remote.requests.isEmpty }
            let quick = try #require(try await client.addGoal(title: "Quick goal", repo: quickRepo.remote)["id"]?.stringValue)
            remote.release()
            // The slow goal (its dumb-HTTP remote takes no push, so publication fails it) ends
            // first; only then does the other one start, and it finishes.
            try await GoalFleet.reach(client, quick, "done", within: 90, logs: logs)
            let changes = try await served.hub.engine.storedEvents(after: 0, limit: 10_000).filter { $0.type == "goal.state_changed" }
            let slowEnded = try #require(changes.first { $0.details["goal_id"]?.stringValue == slow && ["done", "failed", "cancelled"].contains($0.details["to"]?.stringValue ?? "") })
            let quickStarted = try #require(changes.first { $0.details["goal_id"]?.stringValue == quick && $0.details["to"] == "planning" })
            #expect(slowEnded.seq < quickStarted.seq, "a goal still cloning keeps its place: \(changes.map { "\($0.details["goal_id"] ?? .null) \($0.details["to"] ?? .null)" })")
        }
    }

    @Test func theHubStopsPromptlyWhileAGoalsCloneHangs() async throws {
        let slowRepo = try makeRepository()
        let remote = try await HeldGitServer(serving: slowRepo.remote)
        defer { remote.stop() }
        let gh = try FakeGitHub()
        let data = Paths.temporaryDirectory("hub")
        let stopping = Mutex<ContinuousClock.Instant?>(nil)
        let slow = try await LiveHub.run(dataDirectory: data, configure: Self.configure(gh)) { _, client in
            let slow = try #require(try await client.addGoal(title: "Clone a slow remote", repo: remote.url)["id"]?.stringValue)
            try await eventually("the slow goal's clone reaches its remote") { !remote.requests.isEmpty }
            #expect(try await client.goal(id: slow)["state"] == "planning")
            stopping.withLock { $0 = .now }
            return slow
        }
        // Graceful shutdown cancels the goal's work: its git clone is killed, not waited for.
        let asked = try #require(stopping.withLock { $0 })
        #expect(ContinuousClock.now - asked < .seconds(10), "the hub stopped while the clone was still held")
        #expect(FileManager.default.fileExists(atPath: remote.folder + "/hold"), "the remote was never released")
        try await eventually("no git process works on the held remote any more", within: 10) { Self.processes(mentioning: remote.url).isEmpty }
        // A clone cut short by the stop is no verdict on the repository: the goal waits to be
        // picked up again, not failed.
        let state = try await LiveHub.run(dataDirectory: data, configure: { $0.goals.concurrency = 0 }) { _, client in
            try await client.goal(id: slow)["state"]
        }
        #expect(state == "planning")
    }

    @Test func aGoalCancelledWhileCloningStopsItsClone() async throws {
        let slowRepo = try makeRepository()
        let remote = try await HeldGitServer(serving: slowRepo.remote)
        defer { remote.stop() }
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: Self.configure(gh)) { _, client in
            let slow = try #require(try await client.addGoal(title: "Clone a slow remote", repo: remote.url)["id"]?.stringValue)
            try await eventually("the slow goal's clone reaches its remote") { !remote.requests.isEmpty }
            #expect(!Self.processes(mentioning: remote.url).isEmpty, "a git process clones the held remote")
            let asked = ContinuousClock.now
            #expect(try await client.cancelGoal(id: slow)["state"] == "cancelled")
            #expect(ContinuousClock.now - asked < .seconds(2))
            // Its clone is killed at once, though the remote still holds every request.
            try await eventually("the cancelled goal's clone is stopped", within: 10) { Self.processes(mentioning: remote.url).isEmpty }
            #expect(FileManager.default.fileExists(atPath: remote.folder + "/hold"))
            let goal = try await client.goal(id: slow)
            #expect(goal["state"] == "cancelled")
            #expect(GoalFleet.planningTasks(goal).isEmpty)
        }
    }

    /// The pids of processes whose command line mentions `text` (a git clone of a URL, and
    /// its git-remote-http).
    static func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(text) ? pid : nil
        }
    }

    @Test func aMergeVerifyThatBlocksHoldsUpNoOtherGoal() async throws {
        let blockedRepo = try makeRepository(), otherRepo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["x"]))], repeatLast: true)
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        let gate = try Self.gateFolder()
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: Self.configure(gh)) { served, client in
            let agents = try Self.fleet(server, steps, served: served)
            defer { agents.forEach { $0.stop() } }
            let logs: @Sendable () -> String = { agents.map(\.log).joined() }
            let blocked = try #require(try await client.addGoal(title: "Blocked verify", repo: blockedRepo.remote, verify: [Self.gate(gate)])["id"]?.stringValue)
            try await eventually("the blocked goal's merge runs its verify command", within: 90) { Self.verifyRuns(gate) == 1 }

            let other = try #require(try await client.addGoal(title: "Other goal", repo: otherRepo.remote, verify: ["test -f README.md"])["id"]?.stringValue)
            let done = try await GoalFleet.reach(client, other, "done", within: 90, logs: logs)
            #expect(done["details"]?["merges"]?["x"]?["state"] == "merged")
            let waiting = try await client.goal(id: blocked)
            #expect(waiting["state"] == "executing", "\(waiting)")
            #expect(waiting["details"]?["merges"]?["x"]?["state"] == "merging", "\(waiting)")

            // Released, the blocked goal's merge lands and the goal finishes too.
            FileManager.default.createFile(atPath: gate + "/release", contents: nil)
            let finished = try await GoalFleet.reach(client, blocked, "done", within: 90, logs: logs)
            #expect(finished["details"]?["merges"]?["x"]?["state"] == "merged")
            #expect(gh.calls(["pr", "create"]).count == 2)
        }
    }

    @Test func aGoalCancelledWhileItsMergeVerifiesIsCancelledAtOnceAndItsBranchStays() async throws {
        let repo = try makeRepository()
        let server = try await FakeModelServer(dialect: "openai", turns: [GoalFleet.planTurn(GoalFleet.plan(["x"]))], repeatLast: true)
        defer { server.stop() }
        let steps = try GoalFleet.stepFolder()
        let gate = try Self.gateFolder()
        let gh = try FakeGitHub()
        try await LiveHub.run(configure: Self.configure(gh)) { served, client in
            let agents = try Self.fleet(server, steps, served: served)
            defer { agents.forEach { $0.stop() } }
            let id = try #require(try await client.addGoal(title: "Cancelled mid-merge", repo: repo.remote, verify: [Self.gate(gate)])["id"]?.stringValue)
            try await eventually("the goal's merge runs its verify command", within: 90) { Self.verifyRuns(gate) == 1 }
            let before = try await client.goal(id: id)
            let clone = try #require(before["details"]?["branch"]?["clone"]?.stringValue)
            let ref = "refs/heads/flotilla/goal-\(id)"
            let head = try git(clone, "rev-parse", ref)
            let pid = try #require(Int32(try String(contentsOfFile: gate + "/verify.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))

            let asked = ContinuousClock.now
            let cancelled = try await client.cancelGoal(id: id, reason: "changed my mind")
            #expect(cancelled["state"] == "cancelled")
            #expect(ContinuousClock.now - asked < .seconds(2), "the cancel waits for no merge")
            let runID = try #require(before["run_id"]?.stringValue)
            try await eventually("the goal's run is cancelled") { try await served.hub.engine.workflowRun(id: runID).status == .cancelled }
            // The merge stops: its verify command is killed, its entry says why.
            try await eventually("the verify command is stopped", within: 10) { kill(pid, 0) != 0 }
            try await eventually("the merge is recorded as abandoned", within: 15) {
                try await client.goal(id: id)["details"]?["merges"]?["x"]?["state"] == "abandoned"
            }

            // Released now, nothing lands: the branch is where it was, no merge announced.
            FileManager.default.createFile(atPath: gate + "/release", contents: nil)
            let after = try await client.goal(id: id)
            #expect(after["state"] == "cancelled")
            // The cleanup removes a cancelled goal's directory once nothing works in it any more
            // (docs/goals.md, "Cleaning up"): until then the branch is where it was.
            if FileManager.default.fileExists(atPath: clone) {
                #expect((try? git(clone, "rev-parse", ref)) ?? head == head, "the goal branch did not move after the cancel")
            }
            #expect(gh.calls(["pr", "create"]).isEmpty, "nothing was published")
            let merged = try await served.hub.engine.storedEvents(after: 0, limit: 10_000).filter { $0.type == "goal.step_merged" }
            #expect(merged.isEmpty, "\(merged.map(\.details))")
            #expect(Self.verifyRuns(gate) == 1, "the verify command ran once, for the merge that was dropped")
        }
    }
}
