@testable import FlotillaAgent
import FlotillaCore
import Foundation
import Synchronization
import Testing

/// The agent's announcements of changed files (file-aware dispatch): `git status --porcelain -z`
/// read right, and on a real repository each path sent once.
@Suite struct WorktreeWatcherTests {
    @Test("porcelain -z: changed, untracked, both sides of a rename; bad paths and duplicates dropped")
    func parse() {
        let text = " M README.md\0?? src/new file.txt\0R  lib/new.swift\0lib/old.swift\0D  gone.txt\0 M README.md\0?? ../escape\0"
        #expect(WorktreeWatcher.parse(porcelainZ: text) == ["README.md", "src/new file.txt", "lib/new.swift", "lib/old.swift", "gone.txt"])
        #expect(WorktreeWatcher.parse(porcelainZ: "ME.md\0?? b.txt\0", truncated: true) == ["b.txt"], "a cut first entry is dropped")
        #expect(WorktreeWatcher.parse(porcelainZ: "").isEmpty)
    }

    @Test("in a real worktree, each changed path is announced once, as it appears")
    func watchesARealWorktree() async throws {
        let (work, _) = try makeRepository()
        let announced = Announcements()
        let watcher = WorktreeWatcher(path: work, interval: .milliseconds(50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run { paths in announced.batches.withLock { $0.append(paths) } } }
            try "changed\n".write(toFile: work + "/README.md", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: work + "/src/deep", withIntermediateDirectories: true)
            try "x\n".write(toFile: work + "/src/deep/a.swift", atomically: true, encoding: .utf8)
            try await eventually("both paths are announced", within: 20) {
                Set(announced.batches.withLock { $0.joined() }) == ["README.md", "src/deep/a.swift"]
            }
            try "y\n".write(toFile: work + "/b.txt", atomically: true, encoding: .utf8)
            try await eventually("the new path is announced alone", within: 20) { announced.batches.withLock { $0.last } == ["b.txt"] }
            group.cancelAll()
        }
        // The group waited for the cancelled watcher to end: it announces nothing more.
        #expect(announced.batches.withLock { $0.joined() }.count == 3, "each path once: \(announced.batches.withLock { $0 })")
    }
}

/// What a watcher announced, batch by batch.
private final class Announcements: Sendable {
    let batches = Mutex<[[String]]>([])
}
