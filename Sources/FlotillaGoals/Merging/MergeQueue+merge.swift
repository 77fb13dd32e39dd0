import FlotillaCore
import Foundation

extension MergeQueue {
    /// What came of merging one branch onto the goal branch.
    enum MergeAttempt: Sendable {
        /// The goal branch now holds it at `commit`; `fresh` is false when it already did (a
        /// restart after the merge, or a branch with nothing new).
        case merged(commit: String, fresh: Bool)
        /// Conflicting hunks of both sides, quoted.
        case conflict(String)
        /// The failing verify command and its output, quoted.
        case verifyFailed(String)
        /// Cannot be merged at all (the branch is missing): no fix can help.
        case unmergeable(String)
    }

    /// Merges `branch` onto the goal branch in the goal's merge worktree (`--no-ff`, a message
    /// naming the goal and the step), runs the verify commands there when `verify`, then moves
    /// the goal branch to the merge (only if it is still where the merge started). A conflict or
    /// a failing command leaves the goal branch and the worktree as they were.
    func merge(_ goal: GoalRecord, branch: String, step: String, verify: Bool) async throws -> MergeAttempt {
        let goalRef = "refs/heads/\(goal.branch)"
        let probe = try await workspaces(for: goal).gitOutcome(goal, ["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)^{commit}"])
        guard probe.succeeded else {
            return .unmergeable("the branch \(branch) is not in the goal's clone: the agent's commit never reached it")
        }
        let commit = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if try await workspaces(for: goal).gitOutcome(goal, ["merge-base", "--is-ancestor", commit, goalRef]).succeeded {
            return .merged(commit: try await workspaces(for: goal).git(goal, ["rev-parse", goalRef]), fresh: false)
        }
        let worktree = try await workspaces(for: goal).mergeWorktree(goal)
        let start = try await workspaces(for: goal).git(goal, ["rev-parse", "HEAD"], inMergeWorktree: true)
        let message = "flotilla: merge step \(step) of goal \(goal.id)\n\nGoal \(goal.id): \(goal.title)\nStep \(step), branch \(branch)."
        let merging = try await workspaces(for: goal).gitOutcome(goal, identity(goal) + ["merge", "--no-ff", "--no-edit", "-m", message, branch], inMergeWorktree: true)
        if !merging.succeeded {
            let quote = try await conflictQuote(goal, worktree: worktree, branch: branch)
            _ = try await workspaces(for: goal).gitOutcome(goal, ["merge", "--abort"], inMergeWorktree: true)
            try await workspaces(for: goal).git(goal, ["reset", "--quiet", "--hard", start], inMergeWorktree: true)
            guard let quote else {
                return .unmergeable("git merge of \(branch) failed without a conflict: \(merging.text.prefix(2000))")
            }
            return .conflict(quote)
        }
        if verify {
            for line in goal.verifyCommands {
                let outcome = await GoalCommand.shell(line, in: worktree, timeout: verifyTimeout).run()
                // A command killed because the hub is stopping is no verdict on the merge.
                try _Concurrency.Task.checkCancellation()
                guard outcome.succeeded else {
                    try await workspaces(for: goal).git(goal, ["reset", "--quiet", "--hard", start], inMergeWorktree: true)
                    let status = outcome.timedOut ? "timed out after \(Int(verifyTimeout)) s" : "exit \(outcome.exitCode.map(String.init) ?? "none")"
                    return .verifyFailed("$ \(line)\n(\(status), after merging \(branch) onto \(goal.branch))\n\(Self.tail(outcome.text))")
                }
            }
        }
        let merged = try await workspaces(for: goal).git(goal, ["rev-parse", "HEAD"], inMergeWorktree: true)
        // A goal cancelled while this merge ran keeps its branch (MergeQueue+goalEnd.swift).
        if let ended = await endedState(goal.id) { throw GoalEnded(state: ended) }
        // Compare-and-swap: the goal branch moves only from where this merge started.
        try await workspaces(for: goal).git(goal, ["update-ref", "-m", "flotilla: step \(step) merged", goalRef, merged, start])
        if let ended = await endedState(goal.id) {
            // Cancelled between the check and the move: the move is taken back (only if the
            // branch is still at this merge), so nothing lands after a cancel.
            _ = try? await workspaces(for: goal).git(goal, ["update-ref", "-m", "flotilla: goal \(ended.rawValue), merge of step \(step) taken back", goalRef, start, merged])
            throw GoalEnded(state: ended)
        }
        return .merged(commit: merged, fresh: true)
    }

    /// Both sides' conflicting hunks of every conflicted file, nil when nothing conflicts.
    private func conflictQuote(_ goal: GoalRecord, worktree: String, branch: String) async throws -> String? {
        let listed = try await workspaces(for: goal).gitOutcome(goal, ["diff", "--name-only", "--diff-filter=U"], inMergeWorktree: true)
        let files = listed.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        guard !files.isEmpty else { return nil }
        var parts: [String] = []
        for file in files {
            let text = (try? String(contentsOfFile: "\(worktree)/\(file)", encoding: .utf8)) ?? ""
            parts.append(MergeConflict.hunks(in: text, file: file, ours: "goal branch \(goal.branch)", theirs: "step branch \(branch)")
                ?? "\(file): changed on both sides (deleted, renamed or binary on one side); no text hunks to show.\n")
        }
        return MergeConflict.bounded(parts.joined(separator: "\n"))
    }

    /// A committer for the merge commits when the machine's git has none configured.
    private func identity(_ goal: GoalRecord) async throws -> [String] {
        let configured = try await workspaces(for: goal).gitOutcome(goal, ["config", "user.email"], inMergeWorktree: true)
        return configured.succeeded ? [] : ["-c", "user.name=Flotilla merge queue", "-c", "user.email=merge-queue@flotilla.invalid"]
    }

    /// The last 6,000 characters of a command's output (where the failure usually is).
    static func tail(_ text: String, limit: Int = 6000) -> String {
        guard text.count > limit else { return text }
        return "… (\(text.count - limit) earlier characters left out)\n" + String(text.suffix(limit))
    }
}
