import FlotillaCore
import FlotillaWorkflows
import Foundation

/// A run the runtime drives: its row, its definition (parsed from the run's own source) and
/// its state as last committed.
struct LiveRun: Sendable {
    var row: WorkflowRunRow
    let definition: WorkflowDefinition
    let planner: RunPlanner
    var state: WorkflowRunState
    var book: RunBook
    /// Each step's stored JSON as last encoded (StoredRunState.swift).
    var fragments = StepFragments()
    /// Steps whose record or book changed since the last encoding.
    var changedSteps: Set<String> = []
    /// Which steps come after which: to tell whether an ended step lets another be decided.
    let links: StepLinks
    /// Per pending step, how many of the steps it comes after (in `links.before` order) are
    /// known to have ended: a step that has ended stays ended, so each check goes on from
    /// there, and a sink after a thousand steps is not scanned from the start at every round.
    var endedBefore: [String: Int] = [:]

    init(row: WorkflowRunRow, prepared: PreparedWorkflow, state: WorkflowRunState, book: RunBook) {
        self.row = row
        self.definition = prepared.definition
        self.planner = prepared.planner
        self.state = state
        self.book = book
        self.links = prepared.links
    }

    var status: WorkflowRunStatus { WorkflowRunStatus(rawValue: row.status) ?? .running }

    /// Whether planning could decide something after `ended` steps ended: a step after one of
    /// them now has every step it comes after ended, or every step has ended (the outcome).
    /// Without it, a round only records the ends: a wide run's thousand ends are not a
    /// thousand full plans.
    mutating func canDecide(after ended: Set<String>) -> Bool {
        // Each later step once: a wide run's sink comes after every step that ended.
        var checked: Set<String> = []
        var waited = false
        for step in ended {
            for next in links.after[step] ?? [] where checked.insert(next).inserted && state.record(next) == .pending {
                waited = true
                let before = links.before[next] ?? []
                var count = endedBefore[next] ?? 0
                while count < before.count, state.record(before[count]).isFinished { count += 1 }
                endedBefore[next] = count
                if count == before.count { return true }
            }
        }
        // A step still waited on by a pending one means the run has not ended.
        return !waited && definition.steps.allSatisfy { state.record($0.id).isFinished }
    }
}

/// The steps each step comes after (its `needs`, and for an `on_failure` step the steps naming
/// it), and the other way round.
struct StepLinks: Sendable {
    var before: [String: [String]] = [:]
    var after: [String: [String]] = [:]

    init(_ definition: WorkflowDefinition) {
        for step in definition.steps {
            for need in step.needs { before[step.id, default: []].append(need) }
            for handler in step.onFailure { before[handler, default: []].append(step.id) }
        }
        for (step, earlier) in before {
            for id in earlier { after[id, default: []].append(step) }
        }
    }
}

/// What the runtime keeps beside the planner's state: per step when it started and ended, and
/// per task its id, its matrix combination and its final state.
struct RunBook: Sendable, Hashable, Codable {
    struct Step: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case tasks
        }

        var startedAt: Double?
        var endedAt: Double?
        var tasks: [Instance] = []
    }

    struct Instance: Sendable, Hashable, Codable {
        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case matrix
            case taskState = "task_state"
            case resultInState = "result_in_state"
        }

        /// Known once submitted in this process, or once the task ended (its key finds it too).
        var taskID: String?
        var matrix: JSONValue?
        /// The task's final state, once it ended.
        var taskState: String?
        /// The instance's result is kept in the run's state, not read from the task's row: a
        /// held end released with a changed result (Engine+stepGate.swift).
        var resultInState: Bool?
    }

    enum CodingKeys: String, CodingKey {
        case stepCount = "step_count"
        case steps
    }

    /// The definition's number of steps (lists count progress without parsing the source).
    var stepCount: Int
    var steps: [String: Step] = [:]
}

/// A task that ended, seen by the runtime: the run and step its idempotency key names.
struct InstanceEnd: Sendable {
    var runID: String
    var instance: InstanceID
    var task: TaskRecord
    /// Released by the step gate: its result may differ from the task's row.
    var released = false

    /// The end of a workflow step's task (`wf:<run>:<step>[:<index>]`), nil for other tasks.
    init?(_ task: TaskRecord) {
        guard let key = task.spec.idempotencyKey, key.hasPrefix("wf:") else { return nil }
        let parts = key.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4 else { return nil }
        var index: Int?
        if parts.count == 4 {
            guard let number = Int(parts[3]) else { return nil }
            index = number
        }
        self.runID = String(parts[1])
        self.instance = InstanceID(step: String(parts[2]), matrixIndex: index)
        self.task = task
    }

    /// The instance's state after its task ended.
    var state: InstanceState {
        switch task.state {
        case .succeeded: return InstanceState(.succeeded, result: task.result ?? .null)
        case .cancelled: return InstanceState(.cancelled, error: errorJSON)
        default: return InstanceState(.failed, error: errorJSON)
        }
    }

    /// What `steps.<id>.error` reads: `{code, message, task_id}`.
    var errorJSON: JSONValue {
        let message = task.error ?? task.reason ?? "the task ended \(task.state.rawValue)"
        return ["code": .string("task_\(task.state.rawValue)"), "message": .string(message), "task_id": .string(task.id)]
    }
}

extension InstanceID {
    /// The idempotency key of this instance's task in `runID` (as ``RunPlanner`` makes it).
    func key(run runID: String) -> String {
        matrixIndex.map { "wf:\(runID):\(step):\($0)" } ?? "wf:\(runID):\(step)"
    }
}
