import FlotillaCore
import Foundation

/// An exclusive flock on a file, the same lock agents take on a repository
/// (`<git common dir>/flotilla.lock`, FlotillaAgent's RepoLock): the hub and every agent
/// working in a goal's clone never run `git worktree` or move refs at once. flock locks belong
/// to an open file, so two holders in one process exclude each other too.
enum CloneLock {
    static func withLock<Value: Sendable>(path: String, _ body: () async throws -> Value) async throws -> Value {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw GoalError(.gitFailed, "Cannot open the repository lock \(path): \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await _Concurrency.Task.sleep(for: .milliseconds(20))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
