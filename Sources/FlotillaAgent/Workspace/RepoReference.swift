import FlotillaCore
import Foundation

/// What a task's `repo` names, decided where the task is submitted: a local path means nothing
/// on another machine (or in an agent started in another directory), so it is made absolute and
/// checked there; a URL is left for the agent to clone.
public enum RepoReference {
    /// Whether `repo` reads as a git URL (`https://…`, `ssh://…`, `file://…`, or scp-like
    /// `[user@]host:path`) rather than a path.
    public static func isURL(_ repo: String) -> Bool {
        if repo.contains("://") { return true }
        // scp-like syntax: a colon with no slash before it (git's own rule).
        guard let colon = repo.firstIndex(of: ":"), colon != repo.startIndex else { return false }
        return !repo[..<colon].contains("/")
    }

    /// The repository as an agent should receive it: a URL unchanged; a local path as the
    /// absolute path of a directory that is a git repository.
    ///
    /// - Throws: ``AgentError/Code/badTask`` when a path is not an existing directory or not a
    ///   git repository (then nothing should be submitted).
    public static func resolve(_ repo: String, relativeTo directory: String = FileManager.default.currentDirectoryPath) async throws(AgentError) -> String {
        var isDirectory: ObjCBool = false
        let expanded = (repo as NSString).expandingTildeInPath
        let absolute = URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).standardizedFileURL.path
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw AgentError(.badTask, "repo '\(repo)' (\(absolute)) is a file, not a git repository.")
            }
            guard await Git(directory: absolute).succeeds(["rev-parse", "--git-dir"]) else {
                throw AgentError(.badTask, "repo '\(repo)' (\(absolute)) is not a git repository: run `git init` there, or give a repository's path or a URL an agent can clone.")
            }
            return absolute
        }
        if isURL(repo) { return repo }
        throw AgentError(.badTask, "repo '\(repo)' is neither an existing directory (\(absolute)) nor a git URL.")
    }
}
