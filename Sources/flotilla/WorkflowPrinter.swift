import FlotillaCore

/// The workflow commands' output for a person, read from the hub's JSON (docs/api.md
/// "Workflows" has the shapes; `--json` prints them as they came).
enum WorkflowPrinter {
    /// `step deploy skipped: <why>`, `step build failed: <code>: <message>`.
    static func stepLine(_ step: JSONValue) -> String {
        var line = "step \(Console.cell(step["id"])) \(Console.cell(step["status"]))"
        if let detail = stepDetail(step) { line += ": \(detail)" }
        return line
    }

    /// Why a step was skipped, or its error, if any.
    static func stepDetail(_ step: JSONValue) -> String? {
        if let reason = step["skip_reason"]?.stringValue { return reason }
        if let error = step["error"], !error.isNull { return errorText(error) }
        // A step's own error is null when its task failed: the first task's error says why.
        for task in step["tasks"]?.arrayValue ?? [] {
            if let error = task["error"], !error.isNull { return errorText(error) }
        }
        return nil
    }

    static func errorText(_ error: JSONValue) -> String {
        if let message = error["message"]?.stringValue {
            return (error["code"]?.stringValue.map { "\($0): " } ?? "") + message
        }
        return error.stringValue ?? error.jsonString
    }

    /// `3/6 done` from a run's `progress` (done: ended in any way).
    static func progress(_ run: JSONValue) -> String {
        let progress = run["progress"]
        func count(_ key: String) -> Int64 { progress?[key]?.intValue ?? 0 }
        let done = count("succeeded") + count("failed") + count("skipped") + count("cancelled")
        return "\(done)/\(count("total"))"
    }

    /// Runs as a table, newest first.
    static func runsTable(_ runs: [JSONValue]) {
        let rows = runs.map { run in
            [
                Console.cell(run["id"]), Console.cell(run["workflow"]), Console.cell(run["status"]),
                Console.cell(run["trigger"]?["kind"]), progress(run), Console.cell(run["created_at"]),
            ]
        }
        Console.table(["ID", "WORKFLOW", "STATUS", "TRIGGER", "STEPS", "CREATED"], rows)
    }

    /// One run: its fields, then its steps as a table.
    static func run(_ run: JSONValue) {
        for key in ["id", "workflow", "file", "status", "cancel_reason", "rerun_of", "created_at", "ended_at"] {
            if let value = run[key], !value.isNull { Console.print("\(key): \(Console.cell(value))") }
        }
        Console.print("trigger: \(Console.cell(run["trigger"]?["kind"]))")
        if let inputs = run["inputs"]?.objectValue, !inputs.isEmpty {
            Console.print("inputs: " + inputs.keys.sorted().map { "\($0)=\(Console.cell(inputs[$0]))" }.joined(separator: " "))
        }
        Console.print("steps: \(progress(run)) done")
        let rows = (run["steps"]?.arrayValue ?? []).map { step in
            let tasks = (step["tasks"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            return [
                Console.cell(step["id"]), Console.cell(step["status"]), tasks.isEmpty ? "-" : tasks.joined(separator: ","),
                stepDetail(step) ?? "-",
            ]
        }
        Console.print("")
        Console.table(["STEP", "STATUS", "TASKS", "DETAIL"], rows)
    }

    /// One registered workflow: its fields, inputs, triggers and steps.
    static func workflow(_ workflow: JSONValue) {
        for key in ["name", "description", "file", "version", "applied_at", "updated_at"] {
            if let value = workflow[key], !value.isNull { Console.print("\(key): \(Console.cell(value))") }
        }
        if let last = workflow["last_run"], !last.isNull {
            Console.print("last run: \(Console.cell(last["id"])) \(Console.cell(last["status"])) at \(Console.cell(last["created_at"]))")
        }
        if let runs = workflow["runs"]?.objectValue {
            Console.print("runs: " + ["running", "succeeded", "failed", "cancelled"].map { "\($0) \(Console.cell(runs[$0]))" }.joined(separator: " · "))
        }
        let inputs = workflow["inputs"]?.arrayValue ?? []
        if !inputs.isEmpty {
            Console.print("")
            Console.table(["INPUT", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"], inputs.map { input in
                [Console.cell(input["name"]), Console.cell(input["type"]), input["required"] == true ? "yes" : "no", Console.cell(input["default"]), Console.cell(input["description"])]
            })
        }
        let triggers = workflow["triggers"]?.arrayValue ?? []
        Console.print("")
        if triggers.isEmpty { Console.print("triggers: none (started by hand)") }
        for trigger in triggers {
            var line = "on \(Console.cell(trigger["kind"])): \(Console.cell(trigger["text"]))"
            if let path = trigger["path"]?.stringValue { line += " → POST \(path)" }
            if let next = trigger["next_at"]?.stringValue { line += " (next \(next))" }
            Console.print(line)
        }
        Console.print("")
        Console.table(["STEP", "TYPE", "NEEDS", "IF", "ON_FAILURE"], (workflow["steps"]?.arrayValue ?? []).map { step in
            [Console.cell(step["id"]), Console.cell(step["type"]), Console.cell(step["needs"]), Console.cell(step["if"]), Console.cell(step["on_failure"])]
        })
    }
}
