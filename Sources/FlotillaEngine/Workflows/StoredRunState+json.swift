import FlotillaCore
import FlotillaWorkflows

// A wide run saves a thousand steps as their tasks start and end, and Foundation's JSONEncoder
// cost more than the rest of a round (`flotilla bench workflow`). The steps are written here by
// hand, in exactly the keys the Codable conformances read back (StepRecord+Codable.swift,
// RunBook's CodingKeys), absent optionals left out as JSONEncoder leaves them; reading stays
// Codable (it happens once, at a restart or a view).
extension StoredRunState.Step {
    /// `{"record":…,"book":…}` written straight to bytes: a wide run writes each of its steps
    /// when it starts and when it ends, and building a ``JSONValue`` tree first cost as much as
    /// the rest of the step's bookkeeping.
    func write(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"record":"#.utf8)
        record.writeStored(to: &out)
        if let book {
            out.append(contentsOf: #","book":"#.utf8)
            book.writeStored(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension StepRecord {
    /// ``storedJSON`` written straight to bytes; the rare records go through ``storedJSON``.
    func writeStored(to out: inout [UInt8]) {
        guard case .started(let instances) = self else { return storedJSON.write(to: &out) }
        out.append(contentsOf: #"{"state":"started","instances":["#.utf8)
        for (index, instance) in instances.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"status":"#.utf8)
            JSONValue.writeString(instance.status.rawValue, to: &out)
            if let result = instance.result {
                out.append(contentsOf: #","result":"#.utf8)
                result.write(to: &out)
            }
            if let error = instance.error {
                out.append(contentsOf: #","error":"#.utf8)
                error.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
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
    func writeStored(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"tasks":["#.utf8)
        for (index, task) in tasks.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            task.writeStored(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let startedAt {
            out.append(contentsOf: #","started_at":"#.utf8)
            JSONValue.double(startedAt).write(to: &out)
        }
        if let endedAt {
            out.append(contentsOf: #","ended_at":"#.utf8)
            JSONValue.double(endedAt).write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension RunBook.Instance {
    func writeStored(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONValue.writeString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        if let taskID {
            key("task_id")
            JSONValue.writeString(taskID, to: &out)
        }
        if let matrix {
            key("matrix")
            matrix.write(to: &out)
        }
        if let taskState {
            key("task_state")
            JSONValue.writeString(taskState, to: &out)
        }
        if resultInState == true {
            key("result_in_state")
            out.append(contentsOf: Array("true".utf8))
        }
        out.append(UInt8(ascii: "}"))
    }
}
