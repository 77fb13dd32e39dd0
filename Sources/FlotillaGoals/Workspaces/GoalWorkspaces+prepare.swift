import FlotillaCore
import Foundation

extension GoalWorkspaces {
    /// Clones into a side directory first, renamed into place when complete: a crash mid-clone
    /// leaves no half clone that looks finished.
    func cloneRepository(_ goal: GoalRecord, into clone: String, directory: String) async throws {
        let partial = "\(directory)/repo.partial"
        try? FileManager.default.removeItem(atPath: partial)
        try? FileManager.default.removeItem(atPath: clone)
        let source = Self.cloneSource(goal.repo)
        let outcome = await Self.run(["clone", "--quiet", "--", source, partial], in: directory, timeout: 900)
        guard outcome.succeeded else {
            try? FileManager.default.removeItem(atPath: partial)
            throw GoalError(.cloneFailed, "Cannot clone the goal's repository \(goal.repo): \(Self.detail(outcome))", field: "repo")
        }
        try FileManager.default.moveItem(atPath: partial, toPath: clone)
    }

    /// The goal branch (made once from the default branch) and its recorded base.
    func makeBranch(_ goal: GoalRecord, clone: String) async throws -> GoalBranchInfo {
        let branchRef = "refs/heads/\(goal.branch)"
        let hasBranch = await Self.run(["rev-parse", "--verify", "--quiet", branchRef], in: clone).succeeded
        let recordedBranch = await Self.run(["config", "--get", "flotilla.goalBaseBranch"], in: clone)
        let recordedCommit = await Self.run(["config", "--get", "flotilla.goalBaseCommit"], in: clone)
        if hasBranch, recordedBranch.succeeded, recordedCommit.succeeded {
            return GoalBranchInfo(clone: clone, branch: goal.branch, baseBranch: Self.trimmed(recordedBranch), baseCommit: Self.trimmed(recordedCommit))
        }
        let (baseBranch, baseRef) = try await defaultBranch(goal, clone: clone)
        var baseCommit = Self.trimmed(try await Self.runChecked(["rev-parse", "--verify", "\(baseRef)^{commit}"], in: clone))
        if hasBranch {
            // Made before a crash, base not yet recorded: where it left the default branch.
            baseCommit = Self.trimmed(try await Self.runChecked(["merge-base", branchRef, baseCommit], in: clone))
        } else {
            try await Self.runChecked(["branch", "--no-track", goal.branch, baseCommit], in: clone)
        }
        try await Self.runChecked(["config", "flotilla.goalBaseBranch", baseBranch], in: clone)
        try await Self.runChecked(["config", "flotilla.goalBaseCommit", baseCommit], in: clone)
        return GoalBranchInfo(clone: clone, branch: goal.branch, baseBranch: baseBranch, baseCommit: baseCommit)
    }

    /// The remote's default branch: what `origin/HEAD` names, else `main`, `master`, else the
    /// only branch there is.
    private func defaultBranch(_ goal: GoalRecord, clone: String) async throws -> (name: String, ref: String) {
        let remoteHead = await Self.run(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], in: clone)
        if remoteHead.succeeded {
            let ref = Self.trimmed(remoteHead)
            return (String(ref.dropFirst("origin/".count)), ref)
        }
        for name in ["main", "master"] where await Self.run(["rev-parse", "--verify", "--quiet", "refs/remotes/origin/\(name)"], in: clone).succeeded {
            return (name, "origin/\(name)")
        }
        let listed = await Self.run(["for-each-ref", "--format=%(refname:short)", "refs/remotes/origin/"], in: clone)
        let branches = Self.trimmed(listed).split(separator: "\n").map(String.init).filter { $0 != "origin/HEAD" && $0 != "origin" }
        if branches.count == 1, let only = branches.first {
            return (String(only.dropFirst("origin/".count)), only)
        }
        throw GoalError(.noDefaultBranch, "The goal's repository \(goal.repo) has no default branch to start \(goal.branch) from" + (branches.isEmpty ? " (it has no commits): push a first commit." : " (origin/HEAD is not set and there is no main or master among \(branches.joined(separator: ", "))): set the remote's HEAD."), field: "repo")
    }

    /// A local path made absolute (git runs in the goal's directory); a URL as given.
    static func cloneSource(_ repo: String) -> String {
        let expanded = (repo as NSString).expandingTildeInPath
        if !repo.contains("://"), FileManager.default.fileExists(atPath: expanded) {
            return URL(fileURLWithPath: expanded).standardizedFileURL.path
        }
        return repo
    }

    // MARK: - Running git

    static let environment = ["GIT_TERMINAL_PROMPT": "0"]

    static func run(_ arguments: [String], in directory: String, timeout: Double = 300) async -> GoalCommand.Outcome {
        await GoalCommand(["git"] + arguments, in: directory, environment: environment, timeout: timeout).run()
    }

    @discardableResult
    static func runChecked(_ arguments: [String], in directory: String) async throws -> GoalCommand.Outcome {
        let outcome = await run(arguments, in: directory)
        guard outcome.succeeded else { throw gitError(arguments, outcome, in: directory) }
        return outcome
    }

    static func gitError(_ arguments: [String], _ outcome: GoalCommand.Outcome, in directory: String? = nil) -> GoalError {
        GoalError(.gitFailed, "git \(arguments.prefix(2).joined(separator: " ")) failed\(directory.map { " in \($0)" } ?? ""): \(detail(outcome))")
    }

    static func detail(_ outcome: GoalCommand.Outcome) -> String {
        let text = outcome.text
        return text.isEmpty ? "exit \(outcome.exitCode.map(String.init) ?? "signal")" : String(text.prefix(2000))
    }

    static func trimmed(_ outcome: GoalCommand.Outcome) -> String {
        outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
