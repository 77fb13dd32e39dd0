import FlotillaCore
@testable import FlotillaEngine
import FlotillaWorkflows
import Testing

/// A run's stored state, written by hand for speed (StoredRunState+json.swift), must read back
/// through the Codable decoding exactly: every kind of step record and the runtime's book.
@Suite struct StoredRunStateTests {
    @Test func everyKindOfStepReadsBackAsWritten() throws {
        let failure = WorkflowError(.invalidValue, "no such input 'x'", field: "ship.yaml:4:9")
        var run = WorkflowRunState(runID: "r1", inputs: ["branch": "main"], trigger: ["kind": "manual"], cancelRequested: true)
        run.steps = [
            "build": .started([InstanceState(.succeeded, result: ["artifact": "a.tgz"])]),
            "test": .started([InstanceState(.failed, error: ["code": "exit", "message": "1 \"quoted\" failure\n"]), InstanceState(.running)]),
            "docs": .skipped(.conditionFalse("inputs.branch == 'main'")),
            "deploy": .skipped(.needNotSucceeded(step: "test", outcome: .failure)),
            "rollback": .skipped(.nothingFailed),
            "notify": .failedToStart(failure),
        ]
        var book = RunBook(stepCount: 7)
        book.steps["build"] = RunBook.Step(startedAt: 10.5, endedAt: 12, tasks: [RunBook.Instance(taskID: nil, matrix: nil, taskState: "succeeded")])
        book.steps["test"] = RunBook.Step(startedAt: 12.25, endedAt: nil, tasks: [
            RunBook.Instance(taskID: "t-1", matrix: ["os": "linux"], taskState: "dead"),
            RunBook.Instance(taskID: "t-2", matrix: ["os": "mac"], taskState: nil),
        ])
        var fragments = StepFragments()
        let encoded = fragments.encode(run, book: book, changed: nil)
        #expect(Set(encoded.steps.keys) == Set(run.steps.keys))
        // As the store joins them (SQLiteStore+workflows.swift).
        let joined = String(encoded.state.dropLast()) + ",\"steps\":{"
            + encoded.steps.map { JSONValue.string($0.key).jsonString + ":" + $0.value }.joined(separator: ",") + "}}"
        let read = try StoredRunState.decode(joined)
        #expect(read.run == run)
        #expect(read.book == book)

        // A later save writes only what changed.
        run.steps["test"] = .started([InstanceState(.failed, error: ["code": "exit"]), InstanceState(.succeeded, result: [:])])
        let again = fragments.encode(run, book: book, changed: ["test"])
        #expect(Array(again.steps.keys) == ["test"])
    }
}
