import FlotillaCore
import Foundation

/// A real goal repository for the goal layer's tests: a bare "remote" with a `main` branch (one
/// commit with `notes.txt`), a working clone to push more commits from, and a root for the hub's
/// goal workspaces, all under one temporary directory.
struct GoalGitFixture {
    let directory: String
    var remote: String { "\(directory)/remote.git" }
    var work: String { "\(directory)/work" }
    var goalsRoot: String { "\(directory)/goals" }

    init(initialFiles: [String: String] = ["notes.txt": "one\ntwo\nthree\n"]) throws {
        directory = NSTemporaryDirectory() + "flotilla-goal-git-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.git(directory, "init", "--quiet", "--bare", "--initial-branch=main", remote)
        try Self.git(directory, "clone", "--quiet", remote, work)
        try Self.git(work, "checkout", "--quiet", "-B", "main")
        for (path, text) in initialFiles { try write(path, text) }
        try commitAndPush("first")
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func goal(repo: String? = nil, id: String = GoalRecord.newID(), verify: [String] = []) -> GoalRecord {
        GoalRecord(id: id, title: "Test goal", repo: repo ?? remote, verify: verify, createdAt: 0, updatedAt: 0)
    }

    func write(_ path: String, _ text: String, in root: String? = nil) throws {
        let url = URL(fileURLWithPath: "\(root ?? work)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Commits everything in the working clone and pushes `main`; the new commit.
    @discardableResult
    func commitAndPush(_ message: String) throws -> String {
        try Self.git(work, "add", "-A")
        try Self.git(work, "commit", "--quiet", "-m", message)
        try Self.git(work, "push", "--quiet", "origin", "main")
        return try Self.git(work, "rev-parse", "HEAD")
    }

    /// Runs git (with a fixed identity, no global config), its trimmed output; throws on failure.
    @discardableResult
    static func git(_ directory: String, _ arguments: String...) throws -> String {
        try git(directory, arguments)
    }

    @discardableResult
    static func git(_ directory: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_NAME"] = "Test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.com"
        environment["GIT_COMMITTER_NAME"] = "Test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.com"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw FixtureFailure(description: "git \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    struct FixtureFailure: Error, CustomStringConvertible {
        var description: String
    }
}
