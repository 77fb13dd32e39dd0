import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaHub
import Foundation
import Testing

/// The merge queue end to end: a real hub (its merge queue holding step ends at the engine's
/// step gate), real `flotilla agent` shell processes working in the goal's clone from the goal
/// branch, real git.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MergeQueueEndToEndTests {
    @Test("three steps in a chain: each starts from the goal branch with the previous merged, and their merges land on it in order")
    func stepsLandInOrder() async throws {
        let fleet = try GoalMergeFleet()
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine)
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "one", command: "echo one > one.txt"),
                .init(id: "two", needs: ["one"], command: "test -f one.txt && echo two > two.txt"),
                .init(id: "three", needs: ["two"], command: "test -f two.txt && echo three > three.txt"),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            let run = try await client.endedRun(runID)
            #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")

            let subjects = try GoalMergeFleet.mergeSubjects(clone: info.clone, branch: goal.branch, since: info.baseCommit)
            #expect(subjects == ["one", "two", "three"].map { "flotilla: merge step \($0) of goal \(goal.id)" })
            let tip = try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)")
            #expect(try git(info.clone, "show", "\(tip):three.txt") == "three")
            // Each merge is a real merge (--no-ff) of the step's own branch.
            for step in ["one", "two", "three"] {
                let taskID = try #require(run.taskIDs(step).first)
                let merged = try #require(run.step(step)?["tasks"]?.arrayValue?.first?["result"]?["merged_commit"]?.stringValue)
                #expect(try git(info.clone, "rev-parse", "\(merged)^2") == git(info.clone, "rev-parse", "flotilla/\(taskID)"))
            }
            let merges = try await engine.goal(id: goal.id).details["merges"]
            #expect(merges?["three"]?["state"] == "merged")
            #expect(merges?["three"]?["merged_commit"] == .string(tip))
            let events = try await GoalMergeFleet.events(engine, "goal.step_merged")
            #expect(events.map { $0.details["step"] } == ["one", "two", "three"])
            #expect(events.last?.details["commit"] == .string(tip))
            #expect(try await engine.goal(id: goal.id).details["branch"]?["head"] == .string(tip))
        }
    }

    @Test("two steps editing the same line conflict: a fix task quoting both sides resolves it, and the goal branch ends with both changes")
    func conflictBecomesAFix() async throws {
        let fleet = try GoalMergeFleet()
        let barrier = fleet.directory + "/barrier"
        try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: true)
        // Each waits until both have started, so both start from the same goal branch.
        func edit(_ me: String, _ other: String) -> String {
            "touch \(barrier)/\(me); i=0; while [ ! -f \(barrier)/\(other) ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; printf 'one\\ntwo-\(me)\\nthree\\n' > notes.txt"
        }
        let resolve = GoalMergeFleet.fix("printf 'one\\ntwo-A\\ntwo-B\\nthree\\n' > notes.txt")
        let (editA, editB) = (edit("A", "B"), edit("B", "A"))
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine)
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "a", command: editA, fix: resolve),
                .init(id: "b", command: editB, fix: resolve),
                .init(id: "c", needs: ["a", "b"], command: "grep -q two-A notes.txt && grep -q two-B notes.txt && echo both > c.txt"),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            let run = try await client.endedRun(runID, within: 120)
            #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")

            let tip = try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)")
            #expect(try git(info.clone, "show", "\(tip):notes.txt") == "one\ntwo-A\ntwo-B\nthree")
            #expect(try git(info.clone, "show", "\(tip):c.txt") == "both")

            let requested = try await GoalMergeFleet.events(engine, "goal.fix_requested")
            #expect(requested.count == 1)
            let event = try #require(requested.first)
            #expect(event.details["reason"] == "conflict")
            let step = try #require(event.details["step"]?.stringValue)
            let fixID = try #require(event.details["fix_task_id"]?.stringValue)
            let stepTask = try #require(run.taskIDs(step).first)
            #expect(event.details["task_id"] == .string(stepTask))

            // The stored fix task: same role, starts at the goal branch, its prompt quotes both sides.
            let (fix, _) = try await engine.task(id: fixID)
            #expect(fix.spec.type == "goal.fix")
            #expect(fix.spec.idempotencyKey == "goal:\(goal.id):fix:\(step):1")
            #expect(fix.spec.payload["base"] == .string(goal.branch))
            #expect(fix.spec.metadata?["goal"] == .string(goal.id))
            let prompt = try #require(fix.spec.prompt)
            #expect(prompt.contains("<<<<<<< goal branch \(goal.branch)"))
            #expect(prompt.contains(">>>>>>> step branch flotilla/\(stepTask)"))
            #expect(prompt.contains("two-A") && prompt.contains("two-B"))
            #expect(prompt.contains("git merge flotilla/\(stepTask)"))

            let merges = try await engine.goal(id: goal.id).details["merges"]
            #expect(merges?[step]?["fixes"] == [.string(fixID)])
            #expect(merges?[step]?["state"] == "merged")
            let merged = try #require(run.step(step)?["tasks"]?.arrayValue?.first?["result"])
            #expect(merged["merged_branch"] == .string("flotilla/\(fixID)"))
        }
    }

    @Test("a verify command failing after a merge: the merge is undone, a fix task gets the failing output, its branch lands in the step's place")
    func verifyFailureBecomesAFix() async throws {
        let fleet = try GoalMergeFleet()
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let check = "if grep -n BROKEN s1.txt; then exit 1; fi"
            let (goal, info) = try await fleet.addGoal(engine, verify: [check])
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "s1", command: "echo BROKEN > s1.txt", fix: GoalMergeFleet.fix("echo fixed > s1.txt")),
                .init(id: "s2", needs: ["s1"], command: "grep -q fixed s1.txt && echo done > s2.txt"),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            let run = try await client.endedRun(runID, within: 120)
            #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")

            let tip = try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)")
            #expect(try git(info.clone, "show", "\(tip):s1.txt") == "fixed")
            #expect(try git(info.clone, "show", "\(tip):s2.txt") == "done")
            // The broken merge never reached the goal branch.
            let history = try git(info.clone, "log", "--first-parent", "--format=%H", "\(info.baseCommit)..\(tip)").split(separator: "\n").map(String.init)
            #expect(history.count == 2)
            for commit in history { #expect(try git(info.clone, "show", "\(commit):s1.txt") == "fixed") }
            let subjects = try GoalMergeFleet.mergeSubjects(clone: info.clone, branch: goal.branch, since: info.baseCommit)
            #expect(subjects == ["flotilla: merge step s1 of goal \(goal.id)", "flotilla: merge step s2 of goal \(goal.id)"])

            let requested = try await GoalMergeFleet.events(engine, "goal.fix_requested")
            #expect(requested.map { $0.details["reason"] } == ["verify"])
            let fixID = try #require(requested.first?.details["fix_task_id"]?.stringValue)
            let prompt = try #require(try await engine.task(id: fixID).0.spec.prompt)
            #expect(prompt.contains("$ \(check)"))
            #expect(prompt.contains("1:BROKEN"))
            #expect(prompt.contains("fails the goal's verify commands"))
        }
    }

    @Test("the hub restarts with a step held: its end comes through the gate again, and a merge that already landed is not made twice")
    func restartDoesNotMergeTwice() async throws {
        let fleet = try GoalMergeFleet()
        let marks = fleet.directory + "/marks"
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        // The verify command reports that it runs, then waits for the test: the step stays held.
        let verify = "touch \(marks)/verifying; while [ ! -f \(marks)/go ]; do sleep 0.05; done"
        let (goal, info, runID, stepTask) = try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine, verify: [verify])
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [.init(id: "one", command: "echo one > one.txt")])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            try await eventually("the merge of step one is verifying", within: 60) { FileManager.default.fileExists(atPath: marks + "/verifying") }
            let run = try await client.workflowRun(id: runID)
            #expect(run.step("one")?["status"] == "running")
            #expect(try await engine.goal(id: goal.id).details["merges"]?["one"]?["state"] == "merging")
            return (goal, info, runID, try #require(run.taskIDs("one").first))
        }
        // The goal branch did not move while the merge was being verified.
        #expect(try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)") == info.baseCommit)
        // What a crash right after the goal branch moved (before the end was released) leaves:
        // the step's merge on the goal branch.
        let worktree = fleet.dataDirectory + "/goals/\(goal.id)/merge"
        _ = try? git(worktree, "merge", "--abort")
        try git(worktree, "reset", "--quiet", "--hard", "refs/heads/\(goal.branch)")
        try git(worktree, "merge", "--no-ff", "-m", "flotilla: merge step one of goal \(goal.id)", "flotilla/\(stepTask)")
        let landed = try git(worktree, "rev-parse", "HEAD")
        try git(info.clone, "update-ref", "refs/heads/\(goal.branch)", landed)
        FileManager.default.createFile(atPath: marks + "/go", contents: nil)
        try? FileManager.default.removeItem(atPath: marks + "/verifying")

        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let run = try await client.endedRun(runID)
            #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")
            #expect(run.step("one")?["tasks"]?.arrayValue?.first?["result"]?["merged_commit"] == .string(landed))
            #expect(try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)") == landed)
            #expect(try GoalMergeFleet.mergeSubjects(clone: info.clone, branch: goal.branch, since: info.baseCommit).count == 1)
            // Released without merging or verifying again.
            #expect(!FileManager.default.fileExists(atPath: marks + "/verifying"))
            #expect(try await GoalMergeFleet.events(engine, "goal.step_merged").isEmpty)
            #expect(try await engine.goal(id: goal.id).details["merges"]?["one"]?["state"] == "merged")
        }
    }
}

/// The merge queue's other ways out: fixes that run out, and corrective steps asked for by
/// publication.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MergeQueueFixTests {
    @Test("cancelling a goal cancels its fix task too: it lives outside the run, and before it kept running for a goal that was over")
    func cancellingTheGoalCancelsItsFixTask() async throws {
        let fleet = try GoalMergeFleet()
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine, verify: ["test ! -f bad.txt"])
            // The fix never finishes by itself: only a cancel ends it.
            _ = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "s", command: "echo bad > bad.txt", fix: "sleep 600"),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            try await eventually("the merge's verify fails and a fix task is asked for") {
                try await !GoalMergeFleet.events(engine, "goal.fix_requested").isEmpty
            }
            let requested = try await GoalMergeFleet.events(engine, "goal.fix_requested")
            let fixID = try #require(requested.first?.details["fix_task_id"]?.stringValue)
            try await eventually("the fix task runs") { try await engine.task(id: fixID).0.state == .running }

            let cancelled = try await engine.cancelGoal(id: goal.id, reason: "no longer needed")
            #expect(cancelled.state == .cancelled)
            try await eventually("the fix task is cancelled with its goal", within: 30) {
                try await engine.task(id: fixID).0.state == .cancelled
            }
            let fix = try await engine.task(id: fixID).0
            #expect(fix.reason?.contains("goal \(goal.id) cancelled: no longer needed") == true, "\(fix.reason ?? "no reason")")
            #expect(try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)") == info.baseCommit)
        }
    }

    @Test("when every fix fails, the step's end is released as failed after three fix tasks, with the reason; the run fails")
    func fixesRunOut() async throws {
        let fleet = try GoalMergeFleet()
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine, verify: ["test ! -f bad.txt"])
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "s", command: "echo bad > bad.txt", fix: "echo 'cannot fix this' >&2; exit 1"),
                .init(id: "after", needs: ["s"], command: "true"),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            let run = try await client.endedRun(runID, within: 150)
            #expect(run["status"] == "failed")
            #expect(run.step("after")?["status"] == "skipped")
            let message = try #require(run.step("s")?["error"]?["message"]?.stringValue)
            #expect(message.contains("could not be merged onto \(goal.branch): the verify commands fail after 3 fix tasks"))
            #expect(message.contains("$ test ! -f bad.txt"))
            // Nothing reached the goal branch.
            #expect(try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)") == info.baseCommit)

            let requested = try await GoalMergeFleet.events(engine, "goal.fix_requested")
            #expect(requested.count == 3)
            let keys = try await requested.asyncKeys(engine)
            #expect(keys == (1...3).map { "goal:\(goal.id):fix:s:\($0)" })
            let entry = try #require(try await engine.goal(id: goal.id).details["merges"]?["s"])
            #expect(entry["state"] == "failed")
            #expect(entry["fixes"]?.arrayValue?.count == 3)
            #expect(entry["reason"]?.stringValue?.contains("after 3 fix tasks") == true)
        }
    }

    @Test("requestFix (publication's corrective step): the fix runs with the goal's step settings from the goal branch, and its branch is merged")
    func requestedFixLands() async throws {
        let fleet = try GoalMergeFleet()
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine)
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "one", command: "if [ \"$GOAL_FIX_REASON\" = verify ]; then test -f one.txt && echo fixed > v.txt; else echo one > one.txt; fi"),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            #expect(try await client.endedRun(runID)["status"] == "succeeded")

            let queue = served.hub.mergeQueue(logger: .init(label: "test"))
            let current = try await engine.goal(id: goal.id)
            let fixID = try await queue.requestFix(goal: current, step: "verify-1", reason: "verify", quote: "$ test -f v.txt\n(exit 1)")
            try await eventually("the corrective step is merged", within: 60) {
                try await engine.goal(id: goal.id).details["merges"]?["verify-1"]?["state"] == "merged"
            }
            let tip = try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)")
            #expect(try git(info.clone, "show", "\(tip):v.txt") == "fixed")
            #expect(try GoalMergeFleet.mergeSubjects(clone: info.clone, branch: goal.branch, since: info.baseCommit).last == "flotilla: merge step verify-1 of goal \(goal.id)")

            let (fix, _) = try await engine.task(id: fixID)
            #expect(fix.spec.idempotencyKey == "goal:\(goal.id):fix:verify-1:1")
            #expect(fix.spec.payload["base"] == .string(goal.branch))
            #expect(fix.spec.payload["title"] == nil)
            #expect(fix.spec.prompt?.contains("corrective step verify-1") == true)
            #expect(fix.spec.prompt?.contains("$ test -f v.txt") == true)
            let merged = try await GoalMergeFleet.events(engine, "goal.step_merged").last
            #expect(merged?.details["step"] == "verify-1")
            #expect(merged?.details["task_id"] == .null)
            #expect(merged?.details["commit"] == .string(tip))
            let requested = try await GoalMergeFleet.events(engine, "goal.fix_requested")
            #expect(requested.map { $0.details["fix_task_id"] } == [.string(fixID)])
            #expect(requested.first?.details["task_id"] == .null)
        }
    }
}

extension Array where Element == EventRecord {
    /// The idempotency keys of the fix tasks these `goal.fix_requested` events name, in order.
    func asyncKeys(_ engine: Engine) async throws -> [String?] {
        var keys: [String?] = []
        for event in self {
            guard let id = event.details["fix_task_id"]?.stringValue else { keys.append(nil); continue }
            keys.append(try await engine.task(id: id).0.spec.idempotencyKey)
        }
        return keys
    }
}

/// A restart while a step's fix task is on its way: the fix is found again by its idempotency
/// key, never asked for twice.
@Suite(.timeLimit(.minutes(3))) struct MergeQueueFixRestartTests {
    @Test("the hub restarts while a conflict's fix task runs: after the restart the same fix task carries on and lands; no second fix is asked for")
    func fixFoundAgainAfterRestart() async throws {
        let fleet = try GoalMergeFleet()
        let marks = fleet.directory + "/marks"
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        func edit(_ me: String, _ other: String) -> String {
            "touch \(marks)/\(me); i=0; while [ ! -f \(marks)/\(other) ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; printf 'one\\ntwo-\(me)\\nthree\\n' > notes.txt"
        }
        // The fix reports that it runs, then waits for the test (at most a minute).
        let resolve = "touch \(marks)/fixing; i=0; while [ ! -f \(marks)/go ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; test -f \(marks)/go && "
            + GoalMergeFleet.fix("printf 'one\\ntwo-A\\ntwo-B\\nthree\\n' > notes.txt")
        let (editA, editB) = (edit("A", "B"), edit("B", "A"))
        let (goal, info, runID) = try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, _ in
            let engine = served.hub.engine
            let (goal, info) = try await fleet.addGoal(engine)
            let runID = try await fleet.startRun(engine, goal: goal, clone: info.clone, steps: [
                .init(id: "a", command: editA, fix: resolve),
                .init(id: "b", command: editB, fix: resolve),
            ])
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken, arguments: ["--drain-grace-seconds", "0.5"])
            defer { agents.forEach { $0.stop() } }
            try await eventually("the fix task runs", within: 60) { FileManager.default.fileExists(atPath: marks + "/fixing") }
            // The agent drains: its attempt is given back to the hub, the fix task waits again.
            agents.forEach { $0.signal(SIGTERM) }
            for agent in agents { _ = try await agent.exitStatus(within: 30) }
            return (goal, info, runID)
        }
        FileManager.default.createFile(atPath: marks + "/go", contents: nil)
        try await LiveHub.run(dataDirectory: fleet.dataDirectory, configure: GoalMergeFleet.mergeQueueOnly) { served, client in
            let engine = served.hub.engine
            let agents = try fleet.agents(1, hub: served.baseURL, token: served.adminToken)
            defer { agents.forEach { $0.stop() } }
            let run = try await client.endedRun(runID, within: 120)
            #expect(run["status"] == "succeeded", "\(run.jsonString.prefix(3000))")
            let tip = try git(info.clone, "rev-parse", "refs/heads/\(goal.branch)")
            #expect(try git(info.clone, "show", "\(tip):notes.txt") == "one\ntwo-A\ntwo-B\nthree")
            let requested = try await GoalMergeFleet.events(engine, "goal.fix_requested")
            #expect(requested.count == 1)
            let step = try #require(requested.first?.details["step"]?.stringValue)
            let fixID = try #require(requested.first?.details["fix_task_id"]?.stringValue)
            #expect(try await engine.goal(id: goal.id).details["merges"]?[step]?["fixes"] == [.string(fixID)])
            #expect(try await engine.task(id: fixID).0.state == .succeeded)
        }
    }
}
