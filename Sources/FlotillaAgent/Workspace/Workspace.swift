import Foundation
public import FlotillaCore

/// A git worktree made for one attempt, detached at the tip of the repository's default branch.
/// The task's branch `flotilla/<task-id>` is only moved at the end, to the attempt's commit, so a
/// stale attempt still running elsewhere never has the branch checked out under another one.
public struct Workspace: Sendable {
    public let path: String
    public let branch: String
    /// The default branch the work started from, and its commit.
    public let baseBranch: String
    public let baseCommit: String
    /// The repository the worktree belongs to (the local clone, for a URL).
    public let repository: String
    /// The repository's flock file, shared by every agent on the machine.
    let lockPath: String
}

/// What came of a workspace after the executor ran.
public struct WorkspaceCommit: Sendable {
    public var commit: String?
    public var changed: Bool
    public var pushed: Bool = false
    public var pullRequestURL: String?
}

/// Makes, commits, publishes and removes per-attempt worktrees under `<workdir>/worktrees`.
public struct WorkspaceManager: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Creates the worktree for an attempt; `repo` is a local path or a URL (cloned once under
    /// `<workdir>/repos`, then fetched before each attempt). The worktree starts at `base` (a
    /// branch of the repository: payload `base`, a goal's branch) when given, else at the
    /// default branch.
    public func prepare(repo: String, key: AttemptKey, base: String? = nil) async throws -> Workspace {
        // The id becomes a path under `worktrees/` and a branch name: the hub only accepts safe
        // ids, and the agent checks again so an assignment from elsewhere cannot reach outside.
        if let problem = TaskID.problem(key.taskID) {
            throw AgentError(.badTask, "Task id '\(key.taskID.prefix(80))' \(problem); the agent will not make a worktree or branch from it.")
        }
        if let base, let problem = BranchName.problem(base) {
            throw AgentError(.badTask, "payload 'base' '\(base.prefix(80))' \(problem); name a branch of the repository, like 'main' or 'flotilla/goal-g_0123456789abcdef'.")
        }
        let repository = try await localRepository(for: repo)
        let git = Git(directory: repository)
        let lockPath = try await git.run(["rev-parse", "--path-format=absolute", "--git-common-dir"]) + "/flotilla.lock"
        let path = "\(root)/worktrees/\(key.taskID)-a\(key.attempt)"
        try FileManager.default.createDirectory(atPath: "\(root)/worktrees", withIntermediateDirectories: true)
        return try await RepoLock.withLock(path: lockPath) {
            let (baseBranch, baseRef) = if let base {
                try await namedBranch(base, git, cloned: repository != repo, repo: repo)
            } else {
                try await defaultBranch(git, cloned: repository != repo)
            }
            let baseCommit = try await git.run(["rev-parse", "--verify", "\(baseRef)^{commit}"])
            if FileManager.default.fileExists(atPath: path) {
                _ = await git.succeeds(["worktree", "remove", "--force", path])
                try? FileManager.default.removeItem(atPath: path)
                _ = await git.succeeds(["worktree", "prune"])
            }
            try await git.run(["worktree", "add", "--detach", "--", path, baseCommit])
            return Workspace(path: path, branch: "flotilla/\(key.taskID)", baseBranch: baseBranch, baseCommit: baseCommit, repository: repository, lockPath: lockPath)
        }
    }

    /// Commits everything the executor changed, with a message naming the task, and points the
    /// task's branch at the result (at the base commit when nothing changed).
    public func commit(_ workspace: Workspace, assignment: Assignment) async throws -> WorkspaceCommit {
        let git = Git(directory: workspace.path)
        try await git.run(["add", "-A"])
        let staged = !(await git.succeeds(["diff", "--cached", "--quiet"]))
        if staged {
            var identity: [String] = []
            if !(await git.succeeds(["config", "user.email"])) {
                identity = ["-c", "user.name=Flotilla agent", "-c", "user.email=agent@flotilla.invalid"]
            }
            let title = assignment.prompt.map { String($0.split(separator: "\n").first ?? "").prefix(72) }.map(String.init) ?? assignment.type
            let message = "flotilla: \(assignment.taskID) \(title)\n\nTask \(assignment.taskID) (\(assignment.type)), attempt \(assignment.attempt)."
            try await git.run(identity + ["commit", "--quiet", "--no-verify", "-m", message])
        }
        let head = try await git.run(["rev-parse", "HEAD"])
        try await RepoLock.withLock(path: workspace.lockPath) {
            try await git.run(["branch", "--force", workspace.branch, head])
        }
        return WorkspaceCommit(commit: head, changed: head != workspace.baseCommit)
    }

    /// Pushes the task's branch to `origin`.
    public func push(_ workspace: Workspace) async throws {
        try await Git(directory: workspace.path).run(["push", "--force", "--quiet", "origin", "\(workspace.branch):\(workspace.branch)"], code: .publishFailed)
    }

    /// Opens a pull request with `gh`; a clear error when `gh` is missing or not logged in.
    public func openPullRequest(_ workspace: Workspace, assignment: Assignment) async throws -> String {
        guard (try? await ProcessRunner.run(ProcessSpec(argv: ["gh", "auth", "status"], workingDirectory: workspace.path, timeout: .seconds(30)).keepingAgentEnvironment()))?.exitCode == 0 else {
            throw AgentError(.ghUnavailable, "pull_request: true needs the GitHub CLI: install `gh` and run `gh auth login` on the agent's machine. The branch \(workspace.branch) was committed and pushed.")
        }
        let title = "flotilla: " + (assignment.prompt.map { String($0.prefix(60)) } ?? assignment.type)
        let body = "Task \(assignment.taskID) (\(assignment.type)), attempt \(assignment.attempt), made by a Flotilla agent."
        return try await Git(directory: workspace.path).ghPullRequest(head: workspace.branch, base: workspace.baseBranch, title: title, body: body)
    }

    /// Removes the worktree; the branch stays.
    public func remove(_ workspace: Workspace) async {
        let git = Git(directory: workspace.repository)
        _ = try? await RepoLock.withLock(path: workspace.lockPath) {
            if !(await git.succeeds(["worktree", "remove", "--force", workspace.path])) {
                try? FileManager.default.removeItem(atPath: workspace.path)
                _ = await git.succeeds(["worktree", "prune"])
            }
        }
    }

    private func localRepository(for repo: String) async throws -> String {
        var isDirectory: ObjCBool = false
        let expanded = (repo as NSString).expandingTildeInPath
        if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), isDirectory.boolValue {
            let absolute = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
            guard await Git(directory: absolute).succeeds(["rev-parse", "--git-dir"]) else {
                throw AgentError(.badTask, "'repo' \(repo) is a directory but not a git repository.")
            }
            return absolute
        }
        guard !repo.hasPrefix("-") else {
            throw AgentError(.badTask, "'repo' \(repo.prefix(80)) starts with '-': a repository path or URL never does.")
        }
        guard repo.contains("://") || repo.contains("@") || repo.hasSuffix(".git") else {
            throw AgentError(.badTask, "'repo' \(repo) is neither an existing directory nor a git URL.")
        }
        let reposRoot = "\(root)/repos"
        try FileManager.default.createDirectory(atPath: reposRoot, withIntermediateDirectories: true)
        let name = String(repo.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        let clone = "\(reposRoot)/\(name)"
        return try await RepoLock.withLock(path: "\(reposRoot)/.lock") {
            if FileManager.default.fileExists(atPath: clone + "/.git") {
                try await Git(directory: clone).run(["fetch", "--quiet", "--prune", "origin"])
            } else {
                try await Git(directory: reposRoot).run(["clone", "--quiet", "--no-checkout", "--", repo, clone])
            }
            return clone
        }
    }

    /// The ref of a branch the task named: for a clone, the fetched `origin/<name>` first; for
    /// a local repository, its own branch first (a goal's clone: the goal branch lives there).
    private func namedBranch(_ name: String, _ git: Git, cloned: Bool, repo: String) async throws -> (String, String) {
        let candidates = cloned ? ["refs/remotes/origin/\(name)", "refs/heads/\(name)"] : ["refs/heads/\(name)", "refs/remotes/origin/\(name)"]
        for ref in candidates where await git.succeeds(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"]) {
            return (name, ref)
        }
        throw AgentError(.badTask, "payload 'base' names the branch '\(name)', which \(repo) does not have; push it first or name an existing branch.")
    }

    /// The default branch's name and the ref to start from: `origin/HEAD`'s branch for clones,
    /// else `main`, `master`, or whatever HEAD names.
    private func defaultBranch(_ git: Git, cloned: Bool) async throws -> (String, String) {
        if let remoteHead = try? await git.run(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]) {
            let name = String(remoteHead.dropFirst("origin/".count))
            if cloned { return (name, remoteHead) }
            if await git.succeeds(["rev-parse", "--verify", "--quiet", "refs/heads/\(name)"]) { return (name, name) }
        }
        for name in ["main", "master"] where await git.succeeds(["rev-parse", "--verify", "--quiet", "refs/heads/\(name)"]) {
            return (name, name)
        }
        let head = try await git.run(["symbolic-ref", "--quiet", "--short", "HEAD"])
        return (head, head)
    }
}

extension Git {
    func ghPullRequest(head: String, base: String, title: String, body: String) async throws -> String {
        let outcome = try await ProcessRunner.run(ProcessSpec(argv: ["gh", "pr", "create", "--head", head, "--base", base, "--title", title, "--body", body], workingDirectory: directory, timeout: .seconds(120)).keepingAgentEnvironment())
        guard outcome.exitCode == 0 else {
            throw AgentError(.publishFailed, "gh pr create failed: \(outcome.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return ExecutionOutcome.lastLine(of: outcome.stdout.text)
    }
}
