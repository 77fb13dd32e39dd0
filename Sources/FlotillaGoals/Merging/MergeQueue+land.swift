import Logging
import FlotillaCore
import FlotillaEngine
import Foundation

extension MergeQueue {
    /// Lands one held step end and releases it: merged (result with `merged_commit`), or
    /// failed with the reason; unchanged when it belongs to no goal the queue can work on.
    func land(_ task: TaskRecord) async {
        // A step with no repository has no branch to merge: its end goes to the run as is.
        guard task.spec.repo != nil, let goal = await goal(of: task), !goal.state.isFinal else {
            engine.releaseStepEnd(task)
            return
        }
        let step = Self.stepName(of: task)
        do {
            // A goal cancelled mid-merge stops its merge at once (MergeQueue+goalEnd.swift).
            engine.releaseStepEnd(try await whileGoalLasts(goal.id) { try await self.landStep(goal: goal, step: step, task: task) })
        } catch let ended as GoalEnded {
            // Its run ended with the goal: the end goes to it as is, nothing merged.
            await recordAbandoned(goal.id, step: step, ended)
            engine.releaseStepEnd(task)
        } catch is CancellationError {
            return  // Shutting down: the end comes through the gate again at the next start.
        } catch {
            let reason = "the merge queue could not merge step \(step): \(Self.describe(error))"
            logger.error("merge failed", metadata: ["goal": "\(goal.id)", "step": "\(step)", "error": "\(reason)"])
            await record(goal.id, step: step) { $0["state"] = "failed"; $0["reason"] = .string(reason) }
            engine.releaseStepEnd(Self.failed(task, reason: reason))
        }
    }

    /// Merges the step's branch, and the fixes' when it does not go in, until one lands or the
    /// fixes run out; the end to release.
    private func landStep(goal: GoalRecord, step: String, task: TaskRecord) async throws -> TaskRecord {
        let stepBranch = "flotilla/\(task.id)"
        let commit = task.result?["commit"]?.stringValue
        await record(goal.id, step: step) { entry in
            entry["task_id"] = .string(task.id)
            entry["commit"] = commit.map(JSONValue.string) ?? .null
            if entry["state"]?.stringValue != "merged" { entry["state"] = "merging" }
        }
        var candidate = stepBranch
        var fixes: [String] = []
        while true {
            try _Concurrency.Task.checkCancellation()
            let attempt = try await merge(goal, branch: candidate, step: step, verify: true)
            let problem: (reason: String, quote: String)
            switch attempt {
            case .merged(let merged, let fresh):
                await recordMerged(goal, step: step, taskID: task.id, commit: merged, announce: fresh)
                var released = task
                var result = task.result?.objectValue ?? [:]
                result["merged_commit"] = .string(merged)
                if candidate != stepBranch { result["merged_branch"] = .string(candidate) }
                released.result = .object(result)
                return released
            case .unmergeable(let why):
                await record(goal.id, step: step) { $0["state"] = "failed"; $0["reason"] = .string(why) }
                return Self.failed(task, reason: why)
            case .conflict(let quote): problem = ("conflict", quote)
            case .verifyFailed(let quote): problem = ("verify", quote)
            }
            // A failed fix gets a next one with the same quote; so does a fix whose own merge
            // failed, with its new quote.
            var ended: TaskRecord?
            while ended?.state != .succeeded {
                guard fixes.count < fixAttempts else {
                    let why = "step \(step) could not be merged onto \(goal.branch): \(problem.reason == "conflict" ? "it conflicts" : "the verify commands fail") after \(fixes.count) fix task\(fixes.count == 1 ? "" : "s")" + (fixes.isEmpty ? "" : " (\(fixes.joined(separator: ", ")))")
                    await record(goal.id, step: step) { $0["state"] = "failed"; $0["reason"] = .string(why) }
                    return Self.failed(task, reason: why + "\n\n" + MergeConflict.bounded(problem.quote, limit: 4000))
                }
                let fix = try await submitFix(goal: goal, step: step, stepTask: task, number: fixes.count + 1, reason: problem.reason, quote: problem.quote)
                fixes.append(fix.id)
                ended = try await waitForEnd(of: fix.id)
            }
            candidate = "flotilla/\(fixes[fixes.count - 1])"
        }
    }

    /// A corrective step publication asked for: when its fix task succeeds, its branch is
    /// merged (no verify here: publication verifies the goal branch next); else failed.
    func landRequestedFix(goalID: String, step: String, fixTaskID: String) async {
        do {
            try await whileGoalLasts(goalID) { try await self.landFix(goalID: goalID, step: step, fixTaskID: fixTaskID) }
        } catch let ended as GoalEnded {
            await recordAbandoned(goalID, step: step, ended)
        } catch is CancellationError {
            return
        } catch {
            await record(goalID, step: step) { $0["state"] = "failed"; $0["reason"] = .string("the merge queue could not merge \(fixTaskID): \(Self.describe(error))") }
        }
    }

    private func landFix(goalID: String, step: String, fixTaskID: String) async throws {
        let ended = try await waitForEnd(of: fixTaskID)
        let goal = try await engine.goal(id: goalID)
        guard ended.state == .succeeded else {
            let why = "the fix task \(fixTaskID) ended \(ended.state.rawValue): \(ended.error ?? ended.reason ?? "no reason given")"
            await record(goalID, step: step) { $0["state"] = "failed"; $0["reason"] = .string(why) }
            return
        }
        switch try await merge(goal, branch: "flotilla/\(fixTaskID)", step: step, verify: false) {
        case .merged(let merged, let fresh):
            await recordMerged(goal, step: step, taskID: nil, commit: merged, announce: fresh)
        case .unmergeable(let why), .conflict(let why), .verifyFailed(let why):
            await record(goalID, step: step) { $0["state"] = "failed"; $0["reason"] = .string(MergeConflict.bounded(why, limit: 4000)) }
        }
    }

    /// At start: corrective steps asked for before a restart and not landed yet, back in the
    /// queue (a step's own fixes come back with its held end).
    func resumeRequestedFixes() async {
        guard let goals = try? await engine.goals(GoalQuery(states: [.executing, .verifying], limit: GoalQuery.maxLimit)) else { return }
        for goal in goals {
            guard case .object(let merges)? = goal.details["merges"] else { continue }
            for (step, entry) in merges.sorted(by: { $0.key < $1.key }) where entry["task_id"] == .null || entry["task_id"] == nil {
                guard let state = entry["state"]?.stringValue, state == "fixing" || state == "merging",
                      let fix = entry["fixes"]?.arrayValue?.last?.stringValue else { continue }
                enqueue(.fix(goalID: goal.id, step: step, fixTaskID: fix))
            }
        }
    }

    /// Waits for a task to reach a final state (long fixes included); throws when cancelled.
    func waitForEnd(of taskID: String) async throws -> TaskRecord {
        while true {
            try _Concurrency.Task.checkCancellation()
            // Short waits (Engine.wait does not see cancellation): a merge whose goal is cancelled
            // while a fix runs stops within a second, and `goal cancel` (which waits for the
            // run to end) with it.
            let task = try await engine.wait(id: taskID, timeout: 1)
            if task.state.isFinal { return task }
        }
    }

    /// The goal a held end belongs to: named by the task, else the goal whose run it is (the
    /// run may be linked to its goal a moment after it started: asked again for up to 10 s).
    private func goal(of task: TaskRecord) async -> GoalRecord? {
        if let id = Self.goalID(of: task) { return try? await engine.goal(id: id) }
        guard let runID = task.spec.metadata?["run"]?.stringValue else { return nil }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let goals = try? await engine.goals(GoalQuery(limit: GoalQuery.maxLimit)), let goal = goals.first(where: { $0.runID == runID }) {
                return goal
            }
            do { try await _Concurrency.Task.sleep(for: .milliseconds(250)) } catch { return nil }
        }
        return nil
    }

    /// The plan step: payload `goal_step`, else the workflow step (metadata `step`).
    static func stepName(of task: TaskRecord) -> String {
        task.spec.payload["goal_step"]?.stringValue ?? task.spec.metadata?["step"]?.stringValue ?? task.id
    }

    static func failed(_ task: TaskRecord, reason: String) -> TaskRecord {
        var failed = task
        failed.state = .failed
        failed.error = reason
        return failed
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? GoalError { return error.message }
        if let error = error as? FlotillaError { return error.message }
        return String(String(describing: error).prefix(500))
    }
}
