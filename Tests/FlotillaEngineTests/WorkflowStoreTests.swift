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

    @Test("a run's steps are rows of their own: a save writes the steps it names, reads join every step into the state, and a state stored with its steps inside reads as it was")
    func stepsAreRowsOfTheirOwn() async throws {
        let store = try SQLiteStore(configuration: .init(path: EngineHarness.temporaryDatabase()))
        var run = Self.run("r1", at: 1)
        run.state = #"{"run_id":"r1","step_count":3}"#
        run.stepStates = ["a": #"{"n":1}"#, "b": #"{"n":2}"#]
        try await store.commit([.saveWorkflowRun(run)])
        run.stepStates = ["b": #"{"n":3}"#, "c": #"{"n":4}"#]
        try await store.commit([.saveWorkflowRun(run)])
        let read = try #require(try await store.workflowRun(id: "r1"))
        #expect(read.stepStates.isEmpty)
        let state = try JSONValue.parse(read.state)
        #expect(state["run_id"] == "r1" && state["step_count"] == 3)
        #expect(state["steps"] == ["a": ["n": 1], "b": ["n": 3], "c": ["n": 4]], "b was replaced, a kept, c added")

        // Before `v5-workflow-run-steps` the steps were inside `state`: such a run reads unchanged.
        var legacy = Self.run("r0", at: 0)
        legacy.state = #"{"run_id":"r0","step_count":1,"steps":{"a":{"n":0}}}"#
        try await store.commit([.saveWorkflowRun(legacy)])
        #expect(try await store.workflowRun(id: "r0")?.state == legacy.state)
        #expect(try await store.activeWorkflowRuns().map(\.id) == ["r0", "r1"])
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
