public import FlotillaCore

/// One attempt the hub handed to this agent, read from an `assignment` envelope.
public struct Assignment: Sendable, Hashable {
    public var taskID: String
    public var attempt: Int
    /// The task as submitted (plus `id` and `attempt`), as the hub sent it.
    public var task: JSONValue

    public init(taskID: String, attempt: Int, task: JSONValue) {
        self.taskID = taskID
        self.attempt = attempt
        self.task = task
    }

    public init(envelope: Envelope) throws(FlotillaError) {
        guard let taskID = envelope.payload["task_id"]?.stringValue else {
            throw FlotillaError(.missingField, "An assignment needs 'payload.task_id'.", field: "payload.task_id")
        }
        guard let attempt = envelope.payload["attempt"]?.intValue else {
            throw FlotillaError(.missingField, "An assignment needs 'payload.attempt'.", field: "payload.attempt")
        }
        self.init(taskID: taskID, attempt: Int(attempt), task: envelope.payload["task"] ?? .object([:]))
    }

    public var key: AttemptKey { AttemptKey(taskID: taskID, attempt: attempt) }
    public var type: String { task["type"]?.stringValue ?? "" }
    public var payload: JSONValue { task["payload"] ?? .object([:]) }
    public var prompt: String? { task["prompt"]?.stringValue }
    public var verify: [String] { task["verify"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public var repo: String? { task["repo"]?.stringValue }
    public var complexity: Complexity? { task["complexity"]?.stringValue.flatMap(Complexity.init(rawValue:)) }
    public var timeoutSeconds: Int? { task["timeout_seconds"]?.intValue.map(Int.init) }
    /// Corrective runs allowed after a failed check (payload `fix_attempts`, default 1).
    public var fixAttempts: Int { payload["fix_attempts"]?.intValue.map { max(0, Int($0)) } ?? 1 }
    public var push: Bool { payload["push"]?.boolValue ?? false }
    public var pullRequest: Bool { payload["pull_request"]?.boolValue ?? false }

    /// The prompt an LLM executor gets: the task's prompt with its context and success criteria.
    public var composedPrompt: String {
        var parts: [String] = [prompt ?? payload["prompt"]?.stringValue ?? type]
        if let context = task["context"], !context.isNull {
            parts.append("Context:\n" + (context.stringValue ?? context.jsonString))
        }
        if let criteria = task["success_criteria"], !criteria.isNull {
            parts.append("Success criteria:\n" + (criteria.stringValue ?? criteria.jsonString))
        }
        if !verify.isEmpty {
            parts.append("These checks must pass when you are done:\n" + verify.map { "- `\($0)`" }.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n")
    }
}

/// The fencing token of an attempt.
public struct AttemptKey: Sendable, Hashable, CustomStringConvertible {
    public var taskID: String
    public var attempt: Int

    public init(taskID: String, attempt: Int) {
        self.taskID = taskID
        self.attempt = attempt
    }

    public var description: String { "\(taskID)#\(attempt)" }
}
