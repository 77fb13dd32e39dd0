import FlotillaAgent
import FlotillaCore
import Foundation
import Testing

/// Payload `base`: an attempt's worktree starts at a named branch (a goal's branch) instead of
/// the default branch, on a real repository.
@Suite struct WorkspaceBaseTests {
    @Test func anAttemptStartsAtTheBranchItsPayloadNames() async throws {
        let (work, _) = try makeRepository()
        let main = try git(work, "rev-parse", "main")
        // A goal branch one commit ahead of main, as the merge queue leaves it.
        try git(work, "checkout", "--quiet", "-b", "flotilla/goal-g_0123456789abcdef")
        try "step one\n".write(toFile: work + "/one.txt", atomically: true, encoding: .utf8)
        try git(work, "add", "one.txt")
        try git(work, "commit", "--quiet", "-m", "step one")
        let goalTip = try git(work, "rev-parse", "HEAD")
        try git(work, "checkout", "--quiet", "main")

        let runner = AttemptRunner.testing([ShellExecutor()], workdir: Paths.temporaryDirectory("agent"))
        let assignment = Assignment.make([
            "repo": .string(work),
            "payload": ["command": "test -f one.txt && echo two > two.txt", "base": "flotilla/goal-g_0123456789abcdef"],
        ])
        let report = await runner.run(assignment, stop: StopSignal()) { _, _ in }
        guard case .complete(let result)? = report else { throw TestFailure("expected complete, got \(String(describing: report))") }
        let commit = try #require(result["commit"]?.stringValue)
        #expect(result["base_commit"] == .string(goalTip))
        #expect(try git(work, "rev-parse", "\(commit)^") == goalTip)
        #expect(try git(work, "show", "\(commit):one.txt") == "step one")
        #expect(try git(work, "show", "\(commit):two.txt") == "two")
        // The named branch itself does not move: only the task's own branch does.
        #expect(try git(work, "rev-parse", "flotilla/goal-g_0123456789abcdef") == goalTip)
        #expect(try git(work, "rev-parse", "main") == main)

        // Without `base`, the default branch as before.
        let plain = Assignment.make(["repo": .string(work), "payload": ["command": "test ! -f one.txt"]])
        guard case .complete(let plainResult)? = await runner.run(plain, stop: StopSignal(), progress: { _, _ in }) else {
            throw TestFailure("expected the plain attempt to complete")
        }
        #expect(plainResult["base_commit"] == .string(main))
    }

    @Test(arguments: [
        ("-xfoo", "must not start with '-'"),
        ("main..evil", "must not contain '..'"),
        ("HEAD~1", "may hold only"),
        ("refs/../../x", "must not contain '..'"),
        ("no-such-branch", "does not have"),
    ])
    func aBadOrMissingBaseFailsTheTaskWithoutAWorktree(base: String, message: String) async throws {
        let (work, _) = try makeRepository()
        let agentDir = Paths.temporaryDirectory("agent")
        let runner = AttemptRunner.testing([ShellExecutor()], workdir: agentDir)
        let assignment = Assignment.make(["repo": .string(work), "payload": ["command": "touch ran", "base": .string(base)]])
        let report = await runner.run(assignment, stop: StopSignal()) { _, _ in }
        guard case .fail(let error, let retryable, let result)? = report else { throw TestFailure("expected fail, got \(String(describing: report))") }
        #expect(error.contains(message))
        #expect(!retryable)
        #expect(result?["error_code"] == "bad_task")
        #expect(try git(work, "branch", "--list", "flotilla/*") == "")
        #expect(!FileManager.default.fileExists(atPath: agentDir + "/worktrees/\(assignment.taskID)-a1"))
    }

    @Test func aBaseThatIsNotAStringIsABadTask() throws {
        let assignment = Assignment.make(["payload": ["base": 3]])
        #expect(throws: AgentError.self) { try assignment.base() }
    }
}
