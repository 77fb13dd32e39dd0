import Logging
public import FlotillaCore
import FlotillaEngine

extension MergeQueue {
    /// Submits a fix task whose merge lands on the goal branch, for a step with no held end
    /// (publication's corrective steps after the final verification, `step` = `verify-<round>`):
    /// its worktree starts at the goal branch; when it succeeds its branch is merged; the goal's
    /// `details["merges"][step]` says how it went. Returns the fix task's id.
    ///
    /// The fix runs like the goal's steps: the role, executor settings (payload) and repository
    /// of the goal's last merged step's task (by step name), else the plan's first role.
    public func requestFix(goal: GoalRecord, step: String, reason: String, quote: String) async throws -> String {
        let existing = goal.details["merges"]?[step]?["fixes"]?.arrayValue?.count ?? 0
        let template = await stepTemplate(goal)
        let fix = try await submitFix(goal: goal, step: step, stepTask: nil, template: template, number: existing + 1, reason: reason, quote: quote)
        enqueue(.fix(goalID: goal.id, step: step, fixTaskID: fix.id))
        return fix.id
    }

    /// Submits (idempotently: key `goal:<id>:fix:<step>:<n>`) the `n`th fix task of a step,
    /// records it in `details["merges"]` and, when it is new, announces `goal.fix_requested`.
    func submitFix(goal: GoalRecord, step: String, stepTask: TaskRecord?, template: TaskRecord? = nil, number: Int, reason: String, quote: String) async throws -> TaskRecord {
        let spec = fixSpec(goal: goal, step: step, stepTask: stepTask, template: template, number: number, reason: reason, quote: quote)
        guard let submitted = try await engine.submit([spec]).first else {
            throw GoalError(.mergeFailed, "The hub accepted no fix task for step \(step) of goal \(goal.id).")
        }
        let fixID = submitted.task.id
        let event = WorkflowEvent(.goalFixRequested, taskID: fixID, data: [
            "goal_id": .string(goal.id), "step": .string(step), "task_id": stepTask.map { .string($0.id) } ?? .null,
            "fix_task_id": .string(fixID), "reason": .string(reason),
        ])
        await record(goal.id, step: step, events: submitted.created ? [event] : []) { entry in
            var fixes = entry["fixes"]?.arrayValue ?? []
            if !fixes.contains(.string(fixID)) { fixes.append(.string(fixID)) }
            entry["fixes"] = .array(fixes)
            entry["state"] = "fixing"
        }
        if submitted.created {
            logger.info("fix task submitted", metadata: ["goal": "\(goal.id)", "step": "\(step)", "task": "\(fixID)", "reason": "\(reason)"])
        }
        return submitted.task
    }

    /// The fix task: the step's role, executor settings and checks; its worktree starts at the
    /// goal branch (payload `base`); the prompt quotes what went wrong and says what to bring in.
    func fixSpec(goal: GoalRecord, step: String, stepTask: TaskRecord?, template: TaskRecord? = nil, number: Int, reason: String, quote: String) -> TaskSpec {
        let model = stepTask ?? template
        var payload = model?.spec.payload.objectValue ?? [:]
        if stepTask == nil {
            // Another step's settings, not its description.
            for key in ["title", "success_criteria", "files"] { payload[key] = nil }
        }
        let stepBranch = stepTask.map { "flotilla/\($0.id)" }
        payload["base"] = .string(goal.branch)
        payload["goal"] = .string(goal.id)
        payload["goal_step"] = .string(step)
        payload["fix_reason"] = .string(reason)
        payload["fix_attempt"] = .int(Int64(number))
        payload["fix_for"] = stepTask.map { .string($0.id) } ?? .null
        payload["step_branch"] = stepBranch.map(JSONValue.string) ?? .null
        // A scripted (shell) step's fix finds the same in its environment.
        var env = payload["env"]?.objectValue ?? [:]
        env["GOAL_FIX_REASON"] = .string(reason)
        env["GOAL_STEP_BRANCH"] = .string(stepBranch ?? "")
        payload["env"] = .object(env)
        return TaskSpec(
            type: Self.fixTaskType, role: model?.spec.role ?? Self.planRole(of: goal), payload: .object(payload),
            prompt: Self.fixPrompt(goal: goal, step: step, stepTask: stepTask, reason: reason, quote: quote),
            verify: stepTask?.spec.verify ?? [], idempotencyKey: "goal:\(goal.id):fix:\(step):\(number)",
            repo: model?.spec.repo ?? (try? workspaces(for: goal).clonePath(goal)), complexity: model?.spec.complexity,
            metadata: ["goal": .string(goal.id), "step": .string(step), "fix_for": stepTask.map { .string($0.id) } ?? .null]
        )
    }

    public static let fixTaskType = "goal.fix"

    /// The task of the goal's last merged step (by step name), whose settings a corrective fix
    /// reuses; nil when none is known.
    func stepTemplate(_ goal: GoalRecord) async -> TaskRecord? {
        guard case .object(let merges)? = goal.details["merges"] else { return nil }
        for (_, entry) in merges.sorted(by: { $0.key > $1.key }) {
            guard entry["state"] == "merged", let id = entry["task_id"]?.stringValue else { continue }
            if let (task, _) = try? await engine.task(id: id) { return task }
        }
        return nil
    }

    /// The role of the plan's first step that names one (a corrective step has no step of its own).
    static func planRole(of goal: GoalRecord) -> String? {
        goal.plan?["steps"]?.arrayValue?.lazy.compactMap { $0["role"]?.stringValue }.first
    }

    static func fixPrompt(goal: GoalRecord, step: String, stepTask: TaskRecord?, reason: String, quote: String) -> String {
        var parts = ["You are fixing the goal \"\(goal.title)\" (goal \(goal.id)). Your working tree starts at the goal branch \(goal.branch), where the goal's finished steps are merged."]
        if let stepTask {
            let title = stepTask.spec.payload["title"]?.stringValue.map { " (\($0))" } ?? ""
            let what = reason == "conflict"
                ? "conflicts with the goal branch. Both sides' conflicting hunks:"
                : "merges cleanly but then fails the goal's verify commands. The failing command and its output:"
            parts.append("The work of step \(step)\(title) is on the branch flotilla/\(stepTask.id), and merging it onto \(goal.branch) \(what)")
            parts.append(fenced(quote))
            parts.append("Bring in the step's branch (`git merge flotilla/\(stepTask.id)`), resolve so that both the goal branch's changes and the step's changes are kept, make the verify commands pass, and commit. Do not drop either side's work.")
            if let original = stepTask.spec.prompt { parts.append("The step's own instructions were:\n" + fenced(original)) }
        } else {
            parts.append("The goal branch fails the goal's verify commands (corrective step \(step)). The failing commands and their output:")
            parts.append(fenced(quote))
            parts.append("Change the code so that these commands pass, keeping the goal's work, and commit.")
        }
        return parts.joined(separator: "\n\n")
    }

    /// `text` in a fence longer than any run of backticks inside it.
    static func fenced(_ text: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\n\(text)\n\(fence)"
    }
}
