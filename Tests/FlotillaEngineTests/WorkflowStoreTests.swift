import FlotillaCore
import FlotillaStore
import Foundation
import Testing

/// The `v4-workflows` tables on a real SQLite file: writes through the commit path, and the
/// reads the runtime and the API use.
@Suite struct WorkflowStoreTests {
    private static func run(_ id: String, workflow: String = "ship", status: WorkflowRunStatus = .running, key: String? = nil, at time: Double) -> WorkflowRunRow {
        WorkflowRunRow(
            id: id, workflow: workflow, file: "\(workflow).yaml", source: "name: \(workflow)", status: status.rawValue,
            triggerKind: key == nil ? "manual" : "schedule", triggerKey: key, state: "{}", createdAt: time, updatedAt: time,
            endedAt: status.isFinal ? time : nil
        )
    }

    @Test("workflows and runs round-trip; runs filter by workflow and status, page by id, newest first")
    func roundTripAndQueries() async throws {
        let store = try SQLiteStore(configuration: .init(path: EngineHarness.temporaryDatabase()))
        let workflow = WorkflowRow(name: "ship", source: "name: ship", file: "ship.yaml", version: 1, appliedAt: 10, updatedAt: 10)
        try await store.commit([
            .saveWorkflow(workflow),
            .saveWorkflow(WorkflowRow(name: "nightly", source: "name: nightly", file: "n.yaml", version: 1, appliedAt: 11, updatedAt: 11)),
            .saveWorkflowRun(Self.run("r1", at: 100)),
            .saveWorkflowRun(Self.run("r2", status: .succeeded, key: "schedule:ship:0:600", at: 200)),
            .saveWorkflowRun(Self.run("r3", workflow: "nightly", status: .failed, at: 300)),
            .saveWorkflowRun(Self.run("r4", key: "schedule:ship:0:900", at: 400)),
        ])
        var replaced = workflow
        replaced.version = 2
        replaced.updatedAt = 20
        var ended = Self.run("r1", status: .cancelled, at: 100)
        ended.cancelReason = "stop"
        ended.updatedAt = 500
        try await store.commit([.saveWorkflow(replaced), .deleteWorkflow(name: "nightly"), .saveWorkflowRun(ended)])

        #expect(try await store.workflows() == [replaced])
        #expect(try await store.workflow(name: "nightly") == nil)
        #expect(try await store.workflowRun(id: "r1") == ended)
        #expect(try await store.workflowRuns(WorkflowRunQuery()).map(\.id) == ["r4", "r3", "r2", "r1"])
        #expect(try await store.workflowRuns(WorkflowRunQuery(workflow: "ship")).map(\.id) == ["r4", "r2", "r1"])
        #expect(try await store.workflowRuns(WorkflowRunQuery(statuses: [.failed, .cancelled])).map(\.id) == ["r3", "r1"])
        #expect(try await store.workflowRuns(WorkflowRunQuery(before: "r3", limit: 1)).map(\.id) == ["r2"])
        #expect(try await store.activeWorkflowRuns().map(\.id) == ["r4"])
        #expect(try await store.workflowRun(triggerKey: "schedule:ship:0:600")?.id == "r2")
        #expect(try await store.latestTriggerKey(workflow: "ship", prefix: "schedule:ship:0:") == "schedule:ship:0:900")
        #expect(try await store.latestTriggerKey(workflow: "nightly", prefix: "schedule:") == nil)
        let counts = try await store.workflowRunCounts()
        #expect(counts["ship"] == [.running: 1, .succeeded: 1, .cancelled: 1] && counts["nightly"] == [.failed: 1])
    }

    @Test("a trigger key is unique across runs: a second run with it does not commit")
    func triggerKeyUnique() async throws {
        let store = try SQLiteStore(configuration: .init(path: EngineHarness.temporaryDatabase()))
        try await store.commit([.saveWorkflowRun(Self.run("a", key: "github:ship:d1", at: 1))])
        await #expect(throws: (any Error).self) {
            try await store.commit([.saveWorkflowRun(Self.run("b", key: "github:ship:d1", at: 2))])
        }
        #expect(try await store.workflowRuns(WorkflowRunQuery()).map(\.id) == ["a"])
    }
}
