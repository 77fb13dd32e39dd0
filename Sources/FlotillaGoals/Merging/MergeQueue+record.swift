import Logging
import FlotillaCore
import FlotillaEngine

extension MergeQueue {
    /// Changes the step's entry of the goal's `details["merges"]`
    /// (`{"task_id", "commit", "merged_commit", "state", "fixes", "reason"}`), with `events`
    /// in the same commit. A goal that is gone is only logged.
    func record(_ goalID: String, step: String, events: [WorkflowEvent] = [], _ change: @escaping @Sendable (inout [String: JSONValue]) -> Void) async {
        do {
            try await engine.updateGoal(id: goalID, events: events) { goal in
                var merges = goal.details["merges"]?.objectValue ?? [:]
                var entry = merges[step]?.objectValue ?? [
                    "task_id": .null, "commit": .null, "merged_commit": .null, "state": "waiting", "fixes": [], "reason": .null,
                ]
                change(&entry)
                merges[step] = .object(entry)
                goal.details["merges"] = .object(merges)
            }
        } catch {
            logger.error("merge record not saved", metadata: ["goal": "\(goalID)", "step": "\(step)", "error": "\(error)"])
        }
    }

    /// The step is on the goal branch: its entry says so, `details["branch"]` gets the new head,
    /// and a fresh merge is announced (`goal.step_merged`).
    func recordMerged(_ goal: GoalRecord, step: String, taskID: String?, commit: String, announce: Bool) async {
        let event = WorkflowEvent(.goalStepMerged, taskID: taskID, data: [
            "goal_id": .string(goal.id), "step": .string(step), "task_id": taskID.map(JSONValue.string) ?? .null, "commit": .string(commit),
        ])
        let recorded = try? await engine.goal(id: goal.id).details["branch"]
        var info = GoalBranchInfo(json: recorded ?? nil)
        if info == nil { info = try? await workspaces.prepare(goal) }
        await record(goal.id, step: step, events: announce ? [event] : []) { entry in
            entry["merged_commit"] = .string(commit)
            entry["state"] = "merged"
            entry["reason"] = .null
        }
        if let info {
            _ = try? await engine.updateGoal(id: goal.id) { $0.details["branch"] = info.json(head: commit) }
        }
        if announce { logger.info("step merged", metadata: ["goal": "\(goal.id)", "step": "\(step)", "commit": "\(commit)"]) }
    }
}
