import FlotillaCore
import FlotillaWorkflows

// A wide run saves a thousand step fragments as its tasks start and end, and Foundation's
// JSONEncoder cost more than the rest of a round (`flotilla bench workflow`). The fragments
// are written here by hand, in exactly the keys the Codable conformances read back
// (StepRecord+Codable.swift, RunBook's CodingKeys), absent optionals left out as
// JSONEncoder leaves them; reading stays Codable (it happens once, at a restart or a view).
extension StoredRunState.Step {
    var json: JSONValue {
        var object: [String: JSONValue] = ["record": record.storedJSON]
        if let book { object["book"] = book.storedJSON }
        return .object(object)
    }
}

extension StepRecord {
    var storedJSON: JSONValue {
        switch self {
        case .pending:
            return ["state": "pending"]
        case .skipped(let reason):
            return ["state": "skipped", "reason": reason.storedJSON]
        case .failedToStart(let failure):
            var error: [String: JSONValue] = ["code": .string(failure.code.rawValue), "message": .string(failure.message)]
            if let field = failure.field { error["field"] = .string(field) }
            return ["state": "failed_to_start", "error": .object(error)]
        case .started(let instances):
            return ["state": "started", "instances": .array(instances.map(\.storedJSON))]
        }
    }
}

extension SkipReason {
    var storedJSON: JSONValue {
        switch self {
        case .conditionFalse(let condition): ["kind": "condition_false", "condition": .string(condition)]
        case .needNotSucceeded(let step, let outcome): ["kind": "need_not_succeeded", "step": .string(step), "outcome": .string(outcome.rawValue)]
        case .nothingFailed: ["kind": "nothing_failed"]
        case .runCancelled: ["kind": "run_cancelled"]
        }
    }
}

extension InstanceState {
    var storedJSON: JSONValue {
        var object: [String: JSONValue] = ["status": .string(status.rawValue)]
        if let result { object["result"] = result }
        if let error { object["error"] = error }
        return .object(object)
    }
}

extension RunBook.Step {
    var storedJSON: JSONValue {
        var object: [String: JSONValue] = ["tasks": .array(tasks.map(\.storedJSON))]
        if let startedAt { object["started_at"] = .double(startedAt) }
        if let endedAt { object["ended_at"] = .double(endedAt) }
        return .object(object)
    }
}

extension RunBook.Instance {
    var storedJSON: JSONValue {
        var object: [String: JSONValue] = [:]
        if let taskID { object["task_id"] = .string(taskID) }
        if let matrix { object["matrix"] = matrix }
        if let taskState { object["task_state"] = .string(taskState) }
        return .object(object)
    }
}
