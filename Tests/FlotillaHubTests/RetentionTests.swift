import FlotillaClient
@testable import FlotillaCore
import FlotillaHub
import FlotillaStore
import Foundation
import Logging
import Testing

/// Finished tasks and events are deleted after the retention, in batches, by the hub's
/// maintenance; results are stored once.
@Suite(.timeLimit(.minutes(1))) struct RetentionTests {
    /// A store fed by the real scheduler: a `task.succeeded` row leaves the result to its task
    /// row, and reading events back joins it in.
    @Test func aResultIsStoredOnceAndReadBackWhole() async throws {
        let directory = TestHub.temporaryDirectory()
        let store = try SQLiteStore(configuration: .init(path: directory + "/flotilla.sqlite"))
        var scheduler = Scheduler()
        let connection = scheduler.openConnection()
        _ = scheduler.register(AgentRegistration(id: "a", roles: ["general"]), connection: connection, now: 1)
        _ = scheduler.ready(agentID: "a", now: 1)
        _ = try scheduler.submit([TaskSpec(id: "t1", type: "x")], now: 1)
        let result: JSONValue = ["summary": .string(String(repeating: "r", count: 5000))]
        _ = try scheduler.report(AttemptReport(taskID: "t1", attempt: 1, kind: .complete(result: result)), from: "a", now: 2)
        let effects = scheduler.takeEffects()
        try store.commitSynchronously(effects.writes)
        let live = try #require(effects.events.first { $0.type == "task.succeeded" })
        #expect(live.data["result"] == result, "the live event carries the result")
        let stored = try sqlite(directory + "/flotilla.sqlite", "SELECT data FROM events WHERE type = 'task.succeeded'")
        #expect(!stored.contains("rrrr"), "the stored event row does not repeat the result: \(stored.prefix(200))")
        #expect(try sqlite(directory + "/flotilla.sqlite", "SELECT length(result) FROM tasks WHERE id = 't1'").trimmingCharacters(in: .whitespacesAndNewlines) != "")
        let replayed = try #require(try await store.events(after: 0, limit: 100).first { $0.type == "task.succeeded" })
        #expect(replayed == live, "a replay says what the live event said")
    }

    /// The maintenance service deletes finished tasks and events past the retention in
    /// batches, keeps what is in flight and the newest event, and numbering carries on after a
    /// restart.
    @Test func theMaintenanceServiceDeletesWhatIsPastTheRetention() async throws {
        let directory = TestHub.temporaryDirectory()
        var configuration = HubConfiguration(port: 0, dataDirectory: directory, tickInterval: 0.02)
        configuration.retention = RetentionPolicy(maxAge: 1, interval: 0.2, batchSize: 3, pause: 0.01)
        var logger = Logger(label: "test.hub")
        logger.logLevel = .warning
        let lastSeq = try await Hub.serve(configuration: configuration, logger: logger) { served in
            let client = HubClient(baseURL: served.baseURL, token: served.adminToken)
            let ids = (0..<10).map { "old-\($0)" }
            _ = try await client.submit(batch: ids.map { ["id": .string($0), "type": "retention.test", "role": "nobody"] })
            for id in ids { _ = try await client.cancel(id, reason: "done with it") }
            _ = try await client.submit(["id": "in-flight", "type": "retention.test", "role": "nobody"])
            try await eventually("the finished tasks are deleted", within: 20) {
                for id in ids where (try? await client.task(id)) != nil { return false }
                return true
            }
            #expect(try await client.task("in-flight")["state"] == "queued", "a task in flight stays")
            let database = directory + "/flotilla.sqlite"
            try await eventually("old events are deleted, the newest stays", within: 20) {
                let left = try sqlite(database, "SELECT count(*) FROM events").trimmingCharacters(in: .whitespacesAndNewlines)
                return left == "1"
            }
            return Int64(try sqlite(database, "SELECT max(seq) FROM events").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        #expect(lastSeq > 20)
        // Reopened: event numbers carry on from the kept newest one.
        configuration.retention = nil
        try await Hub.serve(configuration: configuration, logger: logger) { served in
            let client = HubClient(baseURL: served.baseURL, token: served.adminToken)
            _ = try await client.submit(["id": "after-restart", "type": "retention.test", "role": "nobody"])
            let seq = Int64(try sqlite(directory + "/flotilla.sqlite", "SELECT max(seq) FROM events").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(seq > lastSeq)
        }
    }
}

/// Runs one query on a SQLite file with Python's sqlite3 module (python3 is a test dependency
/// already) and returns what it printed: each row's columns joined by `|`.
func sqlite(_ path: String, _ query: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    let script = "import sqlite3,sys\nfor row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(str(c) for c in row))"
    process.arguments = ["-c", script, path, query]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestFailure("sqlite query failed: \(query)") }
    return String(decoding: data, as: UTF8.self)
}
