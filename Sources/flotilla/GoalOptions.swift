import ArgumentParser
import FlotillaGoals

/// `flotilla hub`'s goal options (docs/goals.md).
struct GoalOptions: ParsableArguments {
    @Option(name: .customLong("goal-concurrency"), help: ArgumentHelp("Goals planned or executed at once (between planning and review); the rest wait queued. 0: the hub keeps the backlog and carries no goal on.", valueName: "n"))
    var concurrency = 1

    @Option(name: .customLong("goal-plan-attempts"), help: ArgumentHelp("Planning tasks per goal: the first plan and the corrective ones after a refused plan.", valueName: "n"))
    var planAttempts = 3

    @Option(name: .customLong("goal-approval-steps"), help: ArgumentHelp("Plans with more steps than this wait for a person, as with goal add --approve-plan.", valueName: "n"))
    var approvalSteps: Int?

    @Option(name: .customLong("goal-rules"), help: ArgumentHelp("Risk rules and secret allowlist for reviewing a goal's final diff, in a YAML or JSON file (docs/goals.md, \"The rules file\"); default: the built-in rules.", valueName: "file"))
    var rules: String?

    @Flag(name: .customLong("goal-auto-merge"), help: "Ask GitHub to auto-merge a goal's pull request when its risk tier is low (gh pr merge --auto --squash).")
    var autoMerge = false

    func validate() throws {
        guard (0...GoalConfiguration.maxConcurrency).contains(concurrency) else {
            throw ValidationError("--goal-concurrency must be a whole number from 0 to \(GoalConfiguration.maxConcurrency), got \(concurrency).")
        }
        guard (1...10).contains(planAttempts) else {
            throw ValidationError("--goal-plan-attempts must be a whole number from 1 to 10, got \(planAttempts).")
        }
        if let approvalSteps, approvalSteps < 0 {
            throw ValidationError("--goal-approval-steps must not be negative, got \(approvalSteps).")
        }
    }

    /// These options over `goals` (the `--goal-rules` file is read by HubCommand, with the
    /// hub's other files).
    func apply(to goals: inout GoalConfiguration) throws {
        goals.autoMerge = autoMerge
        goals.concurrency = concurrency
        goals.planAttempts = planAttempts
        goals.approvalSteps = approvalSteps
    }
}
