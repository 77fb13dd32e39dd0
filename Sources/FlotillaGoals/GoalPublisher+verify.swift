import FlotillaCore
import FlotillaEngine
import Logging

extension GoalPublisher {
    /// Runs the goal's verify commands on the goal branch (its merge worktree). All pass: the
    /// goal moves to `review` (returned). One fails: a corrective step is asked of the merge
    /// queue with the failing output quoted and the goal goes back to `executing` (nil), or,
    /// after `fixAttempts` rounds, the goal fails (nil).
    func verify(_ goal: GoalRecord) async throws -> GoalRecord? {
        let worktree = try await workspaces.mergeWorktree(goal)
        var checks: [VerifyCheckReport] = []
        for command in goal.verifyCommands {
            let outcome = await GoalCommand.shell(command, in: worktree, timeout: configuration.verifyTimeout).run()
            checks.append(VerifyCheckReport(command: command, exitCode: outcome.exitCode, passed: outcome.succeeded, output: outcome.text))
        }
        let previous = goal.details["verification"]
        let rounds = Int(previous?["rounds"]?.intValue ?? 0) + 1
        var fixes = (previous?["fix_tasks"]?.arrayValue ?? []).compactMap(\.stringValue)
        func record(_ fixes: [String]) -> JSONValue {
            ["rounds": .int(Int64(rounds)), "checks": .array(checks.map(\.json)), "fix_tasks": .array(fixes.map(JSONValue.string))]
        }

        let failed = checks.filter { !$0.passed }
        if failed.isEmpty {
            let verification = record(fixes)
            logger.info("goal verified", metadata: ["goal": "\(goal.id)", "checks": "\(checks.count)", "round": "\(rounds)"])
            return try await engine.moveGoal(id: goal.id, to: .review) { $0.details["verification"] = verification }
        }

        let quote = failed.map { "$ \($0.command)\n(exit \($0.exitCode.map(String.init) ?? "none: killed or did not start"))\n\($0.output)" }.joined(separator: "\n\n")
        guard fixes.count < configuration.fixAttempts else {
            let verification = record(fixes)
            let first = failed[0]
            await fail(goal.id, because: "the goal's verify commands still fail after \(fixes.count) corrective rounds: `\(first.command)` exited \(first.exitCode.map(String.init) ?? "without a status")") {
                $0.details["verification"] = verification
            }
            return nil
        }
        let step = "verify-\(fixes.count + 1)"
        let fix = try await mergeQueue.requestFix(goal: goal, step: step, reason: "verify", quote: quote)
        fixes.append(fix)
        let verification = record(fixes)
        logger.info("goal verification failed: corrective step", metadata: ["goal": "\(goal.id)", "step": "\(step)", "task": "\(fix)"])
        _ = try await engine.moveGoal(id: goal.id, to: .executing) { $0.details["verification"] = verification }
        return nil
    }
}
