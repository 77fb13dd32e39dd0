import FlotillaCore
import FlotillaStore
import FlotillaWorkflows
import Foundation

/// The `state` column of `workflow_runs`: the planner's state and the runtime's book, as
/// `{"run_id","inputs","trigger","cancel_requested","step_count","steps":{id:{"record","book"}}}`.
///
/// A run's state is saved at every round, and a wide run has a thousand steps while a round
/// changes a few: each step's JSON is kept (``StepFragments``) and encoded again only when the
/// step changed, so a save costs the steps that changed plus joining the text. A succeeded
/// task's result is not repeated here: it is in the task's row, where ``filledResults(from:)``
/// reads it back (results can be large, and the state is saved often).
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
        var steps: [String: Step]
    }

    /// Encodes every step (a new run, or one read back).
    func encoded() -> String {
        var fragments = StepFragments()
        return fragments.encode(run, book: book, changed: nil)
    }

    static func decode(_ text: String) throws -> StoredRunState {
        let file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        var book = RunBook(stepCount: file.stepCount)
        var run = WorkflowRunState(runID: file.runID, inputs: file.inputs, trigger: file.trigger, cancelRequested: file.cancelRequested)
        for (id, step) in file.steps {
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
        for index in instances.indices where instances[index].status == .succeeded && book.tasks[safe: index]?.taskID != nil {
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

    /// The state column's text for `run` and `book`; steps are encoded again when `changed`
    /// names them (all of them when it is nil), or when they have no fragment yet.
    mutating func encode(_ run: WorkflowRunState, book: RunBook, changed: Set<String>?) -> String {
        var out = "{\"run_id\":\(JSONValue.string(run.runID).jsonString),\"inputs\":\(run.inputs.jsonString)"
        out += ",\"trigger\":\(run.trigger.jsonString),\"cancel_requested\":\(run.cancelRequested),\"step_count\":\(book.stepCount),\"steps\":{"
        var first = true
        for (id, record) in run.steps {
            let stepBook = book.steps[id]
            let text: String
            if let known = fragments[id], changed?.contains(id) == false {
                text = known
            } else {
                let stored = StoredRunState.Step(record: StoredRunState.storable(record, book: stepBook), book: stepBook)
                text = stored.json.jsonString
                fragments[id] = text
            }
            if !first { out += "," }
            first = false
            out += JSONValue.string(id).jsonString + ":" + text
        }
        out += "}}"
        return out
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
