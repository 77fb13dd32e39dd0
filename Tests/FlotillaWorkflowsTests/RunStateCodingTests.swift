import FlotillaCore
import Foundation
import Testing
@testable import FlotillaWorkflows

@Suite("Run state encoding")
struct RunStateCodingTests {
    @Test("a run's state survives a JSON round trip, every kind of step record included")
    func roundTrip() throws {
        let state = WorkflowRunState(
            runID: "r1",
            inputs: ["branch": "main"],
            trigger: ["payload": ["ref": "refs/heads/main"]],
            cancelRequested: true,
            steps: [
                "a": .pending,
                "b": .skipped(.conditionFalse("inputs.go")),
                "c": .skipped(.needNotSucceeded(step: "b", outcome: .skipped)),
                "d": .skipped(.nothingFailed),
                "e": .skipped(.runCancelled),
                "f": .failedToStart(WorkflowError(.invalidTask, "bad", field: "w.yaml:3:3")),
                "g": .started([InstanceState(.succeeded, result: ["x": 1]), InstanceState(.failed, error: ["code": "boom"]), InstanceState(.running)]),
            ]
        )
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(WorkflowRunState.self, from: data) == state)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""cancel_requested":true"#))
        #expect(text.contains(#""kind":"condition_false""#))
    }

    @Test("an unknown state is refused, not guessed")
    func unknown() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StepRecord.self, from: Data(#"{"state":"exploded"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StepRecord.self, from: Data(#"{"state":"failed_to_start","error":{"code":"nope","message":"m"}}"#.utf8)) }
    }
}
