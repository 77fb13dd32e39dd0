import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Foundation

/// A run's stored state: the planner's state and the runtime's book. The store keeps the run
/// in the `state` column of `workflow_runs` (`{"run_id","inputs","trigger","cancel_requested",
/// "step_count"}`) and each step in `workflow_run_steps` (`{"record","book"}`), and reads them
/// back as one text, `{…,"steps":{id: step…}}`.
///
/// A run's state is saved at every round, and a wide run has a thousand steps while a round
/// changes a few: each step's JSON is kept (``StepFragments``), encoded again and written only
/// when the step changed, so a save costs the steps that changed. A succeeded task's result is
/// not repeated here: it is in the task's row, where ``withResults(from:)`` reads it back
/// (results can be large, and the state is saved often).
struct StoredRunState: Sendable {
    var run: WorkflowRunState
    var book: RunBook

    /// One step as stored.
    struct Step: Codable {
        var record: StepRecord
        var book: RunBook.Step?
    }

    private struct File: Decodable {
        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case inputs, trigger
            case cancelRequested = "cancel_requested"
            case stepCount = "step_count"
            case steps
        }

        var runID: String
        var inputs: JSONValue
        var trigger: JSONValue
        var cancelRequested: Bool
        var stepCount: Int
        /// Absent while no step has started (the store joins the steps' rows in).
        var steps: [String: Step]?
    }

    /// Encodes every step (a new run): the state column and each step's JSON.
    func encoded() -> (state: String, steps: [String: String]) {
        var fragments = StepFragments()
        return fragments.encode(run, book: book, changed: nil)
    }

    static func decode(_ text: String) throws -> StoredRunState {
        let file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        var book = RunBook(stepCount: file.stepCount)
        var run = WorkflowRunState(runID: file.runID, inputs: file.inputs, trigger: file.trigger, cancelRequested: file.cancelRequested)
        for (id, step) in file.steps ?? [:] {
            run.steps[id] = step.record
            if let stepBook = step.book { book.steps[id] = stepBook }
        }
        return StoredRunState(run: run, book: book)
    }

    /// The task ids of succeeded instances whose result is not in the state.
    var missingResults: [(step: String, index: Int, taskID: String)] {
        var out: [(step: String, index: Int, taskID: String)] = []
        for (id, record) in run.steps {
            guard case .started(let instances) = record else { continue }
            for (index, instance) in instances.enumerated() where instance.status == .succeeded && instance.result == nil {
                if let taskID = book.steps[id]?.tasks[safe: index]?.taskID { out.append((id, index, taskID)) }
            }
        }
        return out
    }

    /// The state with each succeeded task's result read from `results` (by task id; a task no
    /// longer stored gives null).
    func filling(_ results: [String: JSONValue]) -> StoredRunState {
        var out = self
        for (step, index, taskID) in missingResults {
            guard case .started(var instances) = out.run.steps[step] else { continue }
            instances[index].result = results[taskID] ?? .null
            out.run.steps[step] = .started(instances)
        }
        return out
    }

    /// The record as stored: succeeded instances without their result when the task is known.
    static func storable(_ record: StepRecord, book: RunBook.Step?) -> StepRecord {
        guard case .started(var instances) = record, let book else { return record }
        for index in instances.indices where instances[index].status == .succeeded && book.tasks[safe: index]?.taskID != nil && book.tasks[safe: index]?.resultInState != true {
            instances[index].result = nil
        }
        return .started(instances)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// Each step's stored JSON with what it was made from, to encode again only what changed.
struct StepFragments: Sendable {
    private var fragments: [String: String] = [:]

    /// The state column's text for `run` and `book` (the run without its steps), and the JSON
    /// of each step to save: those `changed` names (all of them when it is nil), and those with
    /// no fragment yet (every step once after a restart).
    mutating func encode(_ run: WorkflowRunState, book: RunBook, changed: Set<String>?) -> (state: String, steps: [String: String]) {
        var header = "{\"run_id\":\(JSONValue.string(run.runID).jsonString),\"inputs\":\(run.inputs.jsonString)"
        header += ",\"trigger\":\(run.trigger.jsonString),\"cancel_requested\":\(run.cancelRequested),\"step_count\":\(book.stepCount)}"
        var steps: [String: String] = [:]
        func encode(_ id: String, _ record: StepRecord) {
            let stepBook = book.steps[id]
            var bytes: [UInt8] = []
            bytes.reserveCapacity(160)
            StoredRunState.Step(record: StoredRunState.storable(record, book: stepBook), book: stepBook).write(to: &bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            fragments[id] = text
            steps[id] = text
        }
        if let changed {
            for id in changed { if let record = run.steps[id] { encode(id, record) } }
        }
        // Every step once when some have no fragment yet (a new run, or one read back).
        if changed == nil || fragments.count < run.steps.count {
            for (id, record) in run.steps where changed == nil || fragments[id] == nil { encode(id, record) }
        }
        return (header, steps)
    }
}

extension StoredRunState {
    /// The state with its succeeded tasks' results read from their rows.
    func withResults(from store: any Store) async throws -> StoredRunState {
        let missing = missingResults
        guard !missing.isEmpty else { return self }
        var results = try await store.taskResults(ids: missing.map(\.taskID))
        for (_, _, taskID) in missing where results[taskID] == nil { results[taskID] = .null }
        return filling(results)
    }
}
