import FlotillaCore
import FlotillaGoals
import Foundation
import Testing

/// The hub's clone of a goal's repository and its goal branch, against real git repositories.
@Suite("Goal workspaces")
struct GoalWorkspacesTests {
    @Test("prepare clones once and makes the goal branch at the default branch's tip; again it answers the same, even after the remote moved")
    func prepareIsIdempotent() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        let workspaces = GoalWorkspaces(root: fixture.goalsRoot)
        let goal = fixture.goal()
        let mainTip = try GoalGitFixture.git(fixture.work, "rev-parse", "HEAD")

        let info = try await workspaces.prepare(goal)
        #expect(info.clone == "\(fixture.goalsRoot)/\(goal.id)/repo")
        #expect(info.branch == "flotilla/goal-\(goal.id)")
        #expect(info.baseBranch == "main")
        #expect(info.baseCommit == mainTip)
        #expect(try GoalGitFixture.git(info.clone, "rev-parse", "refs/heads/flotilla/goal-\(goal.id)") == mainTip)
        #expect(try await workspaces.git(goal, ["rev-parse", goal.branch]) == mainTip)

        try fixture.write("notes.txt", "one\ntwo\nthree\nfour\n")
        try fixture.commitAndPush("second")
        let again = try await workspaces.prepare(goal)
        #expect(again == info)
        #expect(try GoalGitFixture.git(info.clone, "rev-parse", goal.branch) == mainTip)

        let json = info.json(head: mainTip)
        #expect(GoalBranchInfo(json: json) == info)
        #expect(json == .object(["clone": .string(info.clone), "branch": .string(info.branch), "base_branch": .string("main"), "base_commit": .string(mainTip), "head": .string(mainTip)]))
    }

    @Test("prepare finds the default branch when the remote's HEAD names a branch that does not exist")
    func defaultBranchFallback() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        try GoalGitFixture.git(fixture.remote, "symbolic-ref", "HEAD", "refs/heads/trunk")
        let info = try await GoalWorkspaces(root: fixture.goalsRoot).prepare(fixture.goal())
        #expect(info.baseBranch == "main")
    }

    @Test("the merge worktree is detached at the goal branch and comes back clean")
    func mergeWorktree() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        let workspaces = GoalWorkspaces(root: fixture.goalsRoot)
        let goal = fixture.goal()
        let info = try await workspaces.prepare(goal)
        let path = try await workspaces.mergeWorktree(goal)
        #expect(path == "\(fixture.goalsRoot)/\(goal.id)/merge")
        #expect(try await workspaces.git(goal, ["rev-parse", "HEAD"], inMergeWorktree: true) == info.baseCommit)
        #expect(try await workspaces.git(goal, ["status", "--porcelain", "--branch"], inMergeWorktree: true).hasPrefix("## HEAD (no branch)"))

        try fixture.write("notes.txt", "scribbled\n", in: path)
        try fixture.write("stray.txt", "stray\n", in: path)
        #expect(try await workspaces.mergeWorktree(goal) == path)
        #expect(try await workspaces.git(goal, ["status", "--porcelain"], inMergeWorktree: true) == "")
        #expect(try String(contentsOfFile: "\(path)/notes.txt", encoding: .utf8) == "one\ntwo\nthree\n")
    }

    @Test("bad input: an id that is not the hub's, a repository that cannot be cloned, an empty one; each a clear code, nothing left behind")
    func badInput() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        let workspaces = GoalWorkspaces(root: fixture.goalsRoot)

        let escaping = fixture.goal(id: "../../etc")
        let invalid = await #expect(throws: GoalError.self) { try await workspaces.prepare(escaping) }
        #expect(invalid?.code == .invalidGoal)

        let missing = fixture.goal(repo: "\(fixture.directory)/no-such-repo.git")
        let clone = await #expect(throws: GoalError.self) { try await workspaces.prepare(missing) }
        #expect(clone?.code == .cloneFailed)
        #expect(clone?.message.contains("no-such-repo.git") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.goalsRoot)/\(missing.id)/repo"))
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.goalsRoot)/\(missing.id)/repo.partial"))

        try GoalGitFixture.git(fixture.directory, "init", "--quiet", "--bare", "empty.git")
        let empty = fixture.goal(repo: "\(fixture.directory)/empty.git")
        let noBranch = await #expect(throws: GoalError.self) { try await workspaces.prepare(empty) }
        #expect(noBranch?.code == .noDefaultBranch)

        let unprepared = fixture.goal()
        let git = await #expect(throws: GoalError.self) { try await workspaces.git(unprepared, ["status"]) }
        #expect(git?.code == .gitFailed)
    }

    @Test("removeDirectory deletes the goal's clone and merge worktree; prepare makes them again")
    func removeThenPrepare() async throws {
        let fixture = try GoalGitFixture()
        defer { fixture.remove() }
        let workspaces = GoalWorkspaces(root: fixture.goalsRoot)
        let goal = fixture.goal()
        let info = try await workspaces.prepare(goal)
        _ = try await workspaces.mergeWorktree(goal)
        guard case .removed(let removal) = try await workspaces.removeDirectory(goalID: goal.id, reason: .done) else {
            Issue.record("not removed")
            return
        }
        #expect(removal.path == "\(fixture.goalsRoot)/\(goal.id)")
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.goalsRoot)/\(goal.id)"))
        let again = try await workspaces.prepare(goal)
        #expect(again == info)
    }
}
