import FlotillaClient
import FlotillaCore
import Foundation

/// What the goal end-to-end tests share: plans as a planning model writes them, a planner
/// agent on the fake model server, and step agents whose command is a script that records each
/// step it runs (deterministic, no model).
enum GoalFleet {
    /// A plan of `ids` in a chain (each needs the one before), on `role`: each step's prompt
    /// starts with its id, which the step script reads.
    static func plan(_ ids: [String], role: String = "coder") -> JSONValue {
        var steps: [JSONValue] = []
        for (index, id) in ids.enumerated() {
            var step: [String: JSONValue] = [
                "id": .string(id), "title": .string("Step \(id)"), "prompt": .string("\(id): write \(id).txt"),
                "success_criteria": .array([.string("\(id).txt exists")]), "role": .string(role), "files": .array([.string("\(id).txt")]),
            ]
            if index > 0 { step["needs"] = .array([.string(ids[index - 1])]) }
            steps.append(.object(step))
        }
        return ["summary": "Three small files", "steps": .array(steps)]
    }

    /// A plan with a cycle (b needs c, c needs b) and an unknown role (tester).
    static let invalidPlan: JSONValue = ["steps": [
        ["id": "a", "title": "A", "prompt": "a: write a.txt", "success_criteria": ["a.txt"], "role": "coder"],
        ["id": "b", "title": "B", "prompt": "b: write b.txt", "success_criteria": ["b.txt"], "role": "tester", "needs": ["c"]],
        ["id": "c", "title": "C", "prompt": "c: write c.txt", "success_criteria": ["c.txt"], "needs": ["b"]],
    ]]

    /// A planning model's final turn: some words, then the plan in a json fence.
    static func planTurn(_ plan: JSONValue, input: Int = 100, output: Int = 20) -> JSONValue {
        FakeModelServer.turn("I read the repository. The plan:\n```json\n\(plan.jsonString)\n```\n", input: input, output: output)
    }

    /// `flotilla agent --role planner --executor openai` on the fake model server.
    static func planner(_ server: FakeModelServer, hub: String, token: String) throws -> AgentProcess {
        try AgentProcess([
            "--agent-id", "planner-" + UUID().uuidString.prefix(6).lowercased(), "--role", "planner", "--workdir", Paths.temporaryDirectory("planner"),
            "--executor", "openai", "--model", "fake-model", "--base-url", server.baseURL,
        ], hub: hub, token: token)
    }

    /// A folder with the FAKE step agent's script (`step.sh`): it appends the step's id (the
    /// prompt's first word, without its colon) to `ran.log` here, exits 3 when `fail-<id>`
    /// exists here, waits while `hold-<id>` exists here and `release-<id>` does not, and writes
    /// `<id>.txt` in its worktree.
    static func stepFolder() throws -> String {
        let folder = Paths.temporaryDirectory("goal-steps")
        let script = """
            #!/bin/sh
            dir="$1"
            step=$(printf '%s\\n' "$2" | head -n 1 | cut -d' ' -f1 | tr -d ':')
            echo "$step" >> "$dir/ran.log"
            if [ -e "$dir/fail-$step" ]; then echo "step $step fails" >&2; exit 3; fi
            if [ -e "$dir/hold-$step" ]; then
              while [ ! -e "$dir/release-$step" ]; do sleep 0.1; done
            fi
            echo "$step" > "$step.txt"
            echo "did $step"
            """
        try script.write(toFile: folder + "/step.sh", atomically: true, encoding: .utf8)
        return folder
    }

    /// A `coder` agent running each step through the step script (the cmd executor).
    static func coder(_ folder: String, hub: String, token: String) throws -> AgentProcess {
        try AgentProcess([
            "--agent-id", "coder-" + UUID().uuidString.prefix(6).lowercased(), "--role", "coder", "--workdir", Paths.temporaryDirectory("coder"),
            "--executor", "cmd", "--command-template", "sh \(folder)/step.sh \(folder) {prompt}",
        ], hub: hub, token: token)
    }

    /// The steps the script ran, in order.
    static func ran(_ folder: String) -> [String] {
        ((try? String(contentsOfFile: folder + "/ran.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits until the goal is in `state`; returns it. Fails at once when it ends elsewhere.
    @discardableResult
    static func reach(_ client: HubClient, _ id: String, _ state: String, within seconds: Double = 90, logs: @escaping @Sendable () -> String = { "" }) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var goal: JSONValue = .null
        while ContinuousClock.now < deadline {
            goal = try await client.goal(id: id)
            if goal["state"] == .string(state) { return goal }
            if let now = goal["state"]?.stringValue, ["done", "failed", "cancelled"].contains(now) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("goal \(id) did not reach \(state): \(goal.jsonString.prefix(4000))\n\(logs().suffix(4000))")
    }

    /// The goal's planning task ids (details.planning.tasks).
    static func planningTasks(_ goal: JSONValue) -> [String] {
        goal["details"]?["planning"]?["tasks"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
