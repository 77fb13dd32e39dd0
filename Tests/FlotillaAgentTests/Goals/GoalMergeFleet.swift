import FlotillaClient
import FlotillaCore
import FlotillaEngine
import FlotillaGoals
import Foundation

/// What the merge queue's end-to-end tests share: a goal repository (a bare remote with
/// `notes.txt` on `main`), the goal added to a real hub and its clone prepared where the hub
/// keeps it, a goal-shaped workflow (steps of type `goal.step` working in the clone from the
/// goal branch) run on real `flotilla agent --executor shell` processes.
struct GoalMergeFleet {
    let directory: String
    let dataDirectory: String
    var remote: String { directory + "/remote.git" }

    init() throws {
        directory = Paths.temporaryDirectory("goal-merge")
        dataDirectory = directory + "/hub"
        let work = directory + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try git(directory, "init", "--quiet", "--bare", "-b", "main", remote)
        try git(work, "init", "--quiet", "-b", "main")
        try "one\ntwo\nthree\n".write(toFile: work + "/notes.txt", atomically: true, encoding: .utf8)
        try git(work, "add", "notes.txt")
        try git(work, "commit", "--quiet", "-m", "initial")
        try git(work, "remote", "add", "origin", remote)
        try git(work, "push", "--quiet", "origin", "main")
    }

    /// A plan step as a shell command: `command` does the step's work; `fix` (when given) is what
    /// its fix task does instead (the fix gets GOAL_STEP_BRANCH in its environment).
    struct Step {
        var id: String
        var needs: [String] = []
        var command: String
        var fix: String?
    }

    /// A fix that brings in the step's branch, then runs `resolve` and commits.
    static func fix(_ resolve: String) -> String {
        "git -c user.name=Fixer -c user.email=fixer@example.invalid merge --no-edit \"$GOAL_STEP_BRANCH\" >/dev/null 2>&1; \(resolve) && git add -A && git -c user.name=Fixer -c user.email=fixer@example.invalid commit -q -m 'fix: resolve'"
    }

    /// Adds the goal, prepares its clone and branch as the goal service does, and records it.
    func addGoal(_ engine: Engine, verify: [String] = []) async throws -> (GoalRecord, GoalBranchInfo) {
        var goal = try await engine.addGoal(GoalRequest(title: "Merge queue test goal", repo: remote))
        let info = try await GoalWorkspaces(root: dataDirectory + "/goals").prepare(goal)
        goal = try await engine.updateGoal(id: goal.id) { goal in
            goal.verify = verify
            goal.details["branch"] = info.json(head: info.baseCommit)
        }
        return (goal, info)
    }

    /// The goal-shaped workflow, started; the goal moved to `executing` with it as its run.
    func startRun(_ engine: Engine, goal: GoalRecord, clone: String, steps: [Step]) async throws -> String {
        var lines = ["name: goal-\(goal.id)", "steps:"]
        for step in steps {
            let command = step.fix.map { "if [ -n \"$GOAL_STEP_BRANCH\" ]; then \($0); else \(step.command); fi" } ?? step.command
            let payload: JSONValue = [
                "goal": .string(goal.id), "goal_step": .string(step.id), "title": .string("Step \(step.id)"),
                "base": .string(goal.branch), "command": .string(command),
            ]
            lines.append("  \(step.id):")
            lines.append("    type: goal.step")
            lines.append("    repo: \(JSONValue.string(clone).jsonString)")
            if !step.needs.isEmpty { lines.append("    needs: [\(step.needs.joined(separator: ", "))]") }
            lines.append("    payload: \(payload.jsonString)")
        }
        let run = try await engine.startRun(source: lines.joined(separator: "\n") + "\n", file: "goal-\(goal.id).yaml", inputs: [:])
        _ = try await engine.moveGoal(id: goal.id, to: .planning)
        _ = try await engine.moveGoal(id: goal.id, to: .executing) { $0.runID = run.id }
        return run.id
    }

    /// Shell agents of role `general` working under this fleet's directory.
    func agents(_ count: Int, hub: String, token: String, concurrency: Int = 2, arguments: [String] = []) throws -> [AgentProcess] {
        try (0..<count).map { index in
            try AgentProcess(["--agent-id", "merge-\(index)", "--role", "general", "--executor", "shell", "--concurrency", String(concurrency),
                              "--workdir", directory + "/agent-\(index)"] + arguments, hub: hub, token: token)
        }
    }

    /// The goal branch's first-parent history, oldest first: each line `subject`.
    static func mergeSubjects(clone: String, branch: String, since base: String) throws -> [String] {
        try git(clone, "log", "--first-parent", "--reverse", "--format=%s", "\(base)..refs/heads/\(branch)")
            .split(separator: "\n").map(String.init)
    }

    /// The stored events of `type`, oldest first.
    static func events(_ engine: Engine, _ type: String) async throws -> [EventRecord] {
        try await engine.storedEvents(after: 0, limit: 100_000).filter { $0.type == type }
    }
}
