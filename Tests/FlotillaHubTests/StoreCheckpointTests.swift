import FlotillaCore
import FlotillaStore
import Foundation
import Testing

/// The SQLite store copies its write-ahead log into the database file in the background.
@Suite(.timeLimit(.minutes(1))) struct StoreCheckpointTests {
    /// About 1,500 WAL pages: short of the writer's own backstop (10,000), so only the background
    /// checkpointer can move them into the database file; 3,000 writes, short of the early
    /// trigger, so the interval brings it.
    @Test func commitsReachTheDatabaseFileAfterTheInterval() async throws {
        try await expectCheckpoint(.init(path: "", checkpointInterval: 0.2))
    }

    /// With an interval far beyond the test's deadline, only the count of writes can bring the
    /// checkpoint.
    @Test func manyWritesBringACheckpointBeforeTheInterval() async throws {
        try await expectCheckpoint(.init(path: "", checkpointInterval: 3600, writesBeforeCheckpoint: 2000))
    }

    private func expectCheckpoint(_ configuration: SQLiteStore.Configuration) async throws {
        let directory = NSTemporaryDirectory() + "flotilla-checkpoint-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/flotilla.sqlite"
        var configuration = configuration
        configuration.path = path
        let store = try SQLiteStore(configuration: configuration)
        let before = try fileSize(path)
        let filler = String(repeating: "x", count: 2000)
        for batch in 0..<30 {
            let writes = (0..<100).map { index in
                StoreWrite.insertTask(TaskRecord(id: "t\(batch)-\(index)", spec: TaskSpec(type: "bench.noop", payload: ["filler": .string(filler)]), state: .queued, now: 1))
            }
            try store.commitSynchronously(writes)
        }
        #expect(try fileSize(path + "-wal") > 4_000_000, "the commits went to the WAL first")
        try await eventually("the WAL is copied into the database file", within: 10) {
            try fileSize(path) > before + 4_000_000
        }
        #expect(try await store.task(id: "t29-99")?.state == .queued)
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
