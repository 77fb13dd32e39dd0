import FlotillaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a repository, shared by every agent process on the machine (flock on a
/// file in the git directory), so two agents never run `git worktree` or move refs at once.
enum RepoLock {
    static func withLock<Value: Sendable>(path: String, _ body: () async throws -> Value) async throws -> Value {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AgentError(.workspaceFailed, "Cannot open the repository lock \(path): \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
