/// What a planning model is told: the plan's format (with the bounds and roles it must keep)
/// and, after a refused answer, a corrective prompt that quotes every error.
extension GoalPlan {
    /// Most issues one corrective prompt lists (a plan with more is best rewritten anyway).
    public static let maxQuotedIssues = 50
    /// Most characters of the previous answer quoted back.
    public static let maxQuotedAnswer = 12_000

    /// The format in words, for the planning prompt and the corrective one.
    public static func formatDescription(limits: GoalPlanLimits = .standard, roles: Set<String>? = nil) -> String {
        var lines = [
            "Answer with the plan as one ```json block holding an object:",
            #"{"summary": "…", "verify": ["…"], "steps": [{"id": "…", "title": "…", "prompt": "…", "success_criteria": ["…"], "verify": ["…"], "role": "…", "complexity": "standard", "needs": ["…"], "files": ["…"]}]}"#,
            "- steps: 1 to \(limits.maxSteps); each needs id, title, prompt and success_criteria; no other fields.",
            "- verify (top level, optional): at most \(limits.maxVerifyCommands) one-line shell commands the whole goal must pass after every merge.",
            "- id: 1 to 64 letters, digits, '_' and '-', starting with a letter or '_'; unique.",
            "- title: one line, at most \(limits.maxTitleLength) characters; prompt: at most \(limits.maxPromptLength) characters.",
            "- success_criteria: 1 to \(limits.maxCriteria) sentences; verify: at most \(limits.maxVerifyCommands) one-line shell commands that exit 0 when the step is done.",
            "- complexity: \(Complexity.allCases.map(\.rawValue).joined(separator: ", ")).",
            "- needs: ids of steps that must finish first, without cycles.",
            "- files: at most \(limits.maxFiles) paths, folders or globs (src/**) relative to the repository that the step will touch.",
        ]
        if let roles {
            lines.append(roles.isEmpty ? "- role: leave it out." : "- role: one of \(roles.sorted().joined(separator: ", ")), or leave it out.")
        }
        return lines.joined(separator: "\n")
    }

    /// The prompt for a re-plan: every issue (up to ``maxQuotedIssues``) at its path, the
    /// previous answer quoted (up to ``maxQuotedAnswer`` characters) and the format again.
    public static func correctivePrompt(issues: [PlanIssue], previous: String, limits: GoalPlanLimits = .standard, roles: Set<String>? = nil) -> String {
        var out = "Your plan was refused. Fix every error below and answer again with the whole corrected plan.\n\n"
        out += "Errors (\(issues.count)):\n"
        for issue in issues.prefix(maxQuotedIssues) { out += "- \(issue)\n" }
        if issues.count > maxQuotedIssues { out += "- … and \(issues.count - maxQuotedIssues) more\n" }
        var quoted = String(previous.prefix(maxQuotedAnswer))
        if quoted.count < previous.count { quoted += "\n[… cut at \(maxQuotedAnswer) characters]" }
        // A fence longer than any run of backticks in the answer, so its own fences stay inside.
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(quoted) + 1))
        out += "\nYour previous answer:\n\(fence)\n\(quoted)\n\(fence)\n\n"
        out += formatDescription(limits: limits, roles: roles)
        return out
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
