import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// Worktrees on a real repository with a local bare remote.
@Suite struct WorkspaceTests {
    @Test func anAttemptCommitsOnItsOwnBranchFromMainAndPushes() async throws {
        let (work, remote) = try makeRepository()
        let main = try git(work, "rev-parse", "main")
        let agentDir = Paths.temporaryDirectory("agent")
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: agentDir)
        let assignment = Assignment.make([
            "type": "code.generate", "prompt": "Add a greeting", "repo": .string(work),
            "payload": ["command": "echo hello > hello.txt && git status --porcelain", "push": true],
            "verify": ["test -f hello.txt"],
        ])
        let report = await runner.run(assignment, stop: StopSignal()) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        let branch = "flotilla/\(assignment.taskID)"
        let commit = try #require(result["commit"]?.stringValue)
        #expect(result["branch"] == .string(branch))
        #expect(result["base_commit"] == .string(main))
        #expect(result["changed"] == true)
        #expect(result["pushed"] == true)
        #expect(result["verification"]?["passed"] == true)
        // The branch holds one new commit on top of main, naming the task.
        #expect(try git(work, "rev-parse", branch) == commit)
        #expect(try git(work, "rev-parse", "\(commit)^") == main)
        #expect(try git(work, "show", "\(branch):hello.txt") == "hello")
        #expect(try git(work, "log", "-1", "--format=%B", branch).contains(assignment.taskID))
        // main and the user's checkout are untouched; the worktree is gone; the remote has the branch.
        #expect(try git(work, "rev-parse", "main") == main)
        #expect(try git(work, "rev-parse", "--abbrev-ref", "HEAD") == "main")
        #expect(!FileManager.default.fileExists(atPath: work + "/hello.txt"))
        #expect(try git(work, "worktree", "list", "--porcelain").components(separatedBy: "worktree ").count == 2)
        #expect(!FileManager.default.fileExists(atPath: agentDir + "/worktrees/\(assignment.taskID)-a1"))
        #expect(try git(remote, "rev-parse", branch) == commit)
    }

    @Test func twoAgentsOnOneRepositoryAtOnceNeverCollide() async throws {
        let (work, _) = try makeRepository()
        let runners = [AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory("a1")),
                       AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory("a2"))]
        let assignments = (0..<6).map { index in
            Assignment.make(["repo": .string(work), "payload": ["command": .string("echo \(index) > file-\(index).txt")]])
        }
        let reports = await withTaskGroup(of: (Int, AttemptReport.Kind?).self) { group in
            for (index, assignment) in assignments.enumerated() {
                group.addTask { (index, await runners[index % 2].run(assignment, stop: StopSignal()) { _, _ in }) }
            }
            var all: [Int: AttemptReport.Kind?] = [:]
            for await (index, report) in group { all[index] = report }
            return all
        }
        for (index, assignment) in assignments.enumerated() {
            guard case .complete(let result)?? = reports[index] else { throw TestFailure("task \(index): \(String(describing: reports[index]))") }
            let branch = "flotilla/\(assignment.taskID)"
            #expect(try git(work, "show", "\(branch):file-\(index).txt") == "\(index)")
            #expect(try git(work, "ls-tree", "--name-only", branch).split(separator: "\n").sorted() == ["README.md", "file-\(index).txt"])
            #expect(result["commit"] == .string(try git(work, "rev-parse", branch)))
        }
        #expect(try git(work, "worktree", "list", "--porcelain").components(separatedBy: "worktree ").count == 2)
    }

    @Test func aPullRequestWithoutGhIsAClearPermanentFailure() async throws {
        let (work, remote) = try makeRepository()
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory())
        let assignment = Assignment.make(["repo": .string(work), "payload": ["command": "echo x > x.txt", "pull_request": true]])
        let report = await runner.run(assignment, stop: StopSignal()) { _, _ in }
        guard case .fail(let error, let retryable, let result)? = report else { throw TestFailure("expected fail, got \(String(describing: report))") }
        #expect(!retryable)
        #expect(result?["error_code"] == "gh_unavailable")
        #expect(error.contains("gh auth login"))
        // Everything before the pull request still happened.
        #expect(try git(remote, "rev-parse", "flotilla/\(assignment.taskID)") == result?["commit"]?.stringValue)
    }

    @Test func aRepoThatIsNotGitIsABadTask() async throws {
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory())
        for repo in [Paths.temporaryDirectory("plain"), "/nonexistent/path"] {
            let report = await runner.run(.make(["repo": .string(repo), "payload": ["command": "true"]]), stop: StopSignal()) { _, _ in }
            guard case .fail(_, let retryable, let result)? = report else { throw TestFailure("expected fail for \(repo)") }
            #expect(!retryable)
            #expect(result?["error_code"] == "bad_task")
        }
    }

    @Test func aRepositoryURLIsClonedOnceAndItsBranchPushedBack() async throws {
        let (work, remote) = try makeRepository()
        let agentDir = Paths.temporaryDirectory("agent")
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: agentDir)
        for index in 0..<2 {
            let assignment = Assignment.make(["repo": .string("file://" + remote), "payload": ["command": .string("echo \(index) > n.txt"), "push": true]])
            let report = await runner.run(assignment, stop: StopSignal()) { _, _ in }
            guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
            #expect(result["base_commit"] == .string(try git(work, "rev-parse", "main")))
            #expect(try git(remote, "show", "flotilla/\(assignment.taskID):n.txt") == "\(index)")
        }
        let clones = try FileManager.default.contentsOfDirectory(atPath: agentDir + "/repos").filter { !$0.hasPrefix(".") }
        #expect(clones.count == 1)
    }
}

