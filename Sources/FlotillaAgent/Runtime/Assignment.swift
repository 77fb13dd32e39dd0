public import FlotillaCore

/// One attempt the hub handed to this agent: an `assignment` envelope's ``TaskAssignment``,
/// the task read as a typed ``TaskSpec`` (executors read its fields, never the JSON).
public struct Assignment: Sendable, Hashable {
    public var taskID: String
    public var attempt: Int
    /// The task as submitted.
    public var spec: TaskSpec
}

// The reading initialiser stands in an extension so that Swift writes the memberwise one (the
// runtime makes assignments only by reading envelopes; tests make them directly).
extension Assignment {
    public init(envelope: Envelope) throws(FlotillaError) {
        let message = try TaskAssignment(payload: envelope.payload)
        self.init(taskID: message.taskID, attempt: message.attempt, spec: message.spec)
    }

    public var key: AttemptKey { AttemptKey(taskID: taskID, attempt: attempt) }
    public var type: String { spec.type }
    public var payload: JSONValue { spec.payload }
    public var prompt: String? { spec.prompt }
    public var verify: [String] { spec.verify }
    public var repo: String? { spec.repo }
    public var complexity: Complexity? { spec.complexity }
    public var timeoutSeconds: Int? { spec.timeoutSeconds }
    /// Corrective runs allowed after a failed check (payload `fix_attempts`, default 1).
    public var fixAttempts: Int { payload["fix_attempts"]?.intValue.map { max(0, Int($0)) } ?? 1 }
    public var push: Bool { payload["push"]?.boolValue ?? false }
    public var pullRequest: Bool { payload["pull_request"]?.boolValue ?? false }
    /// The branch the attempt's worktree starts from (payload `base`), nil for the default
    /// branch; `bad_task` when it is not a string.
    public func base() throws(AgentError) -> String? {
        switch payload["base"] {
        case nil, .null?: return nil
        case .string(let name)?: return name
        default: throw AgentError(.badTask, "payload 'base' must be a branch name (a string), like 'main'.")
        }
    }

    /// The prompt an LLM executor gets: the task's prompt with its context and success criteria.
    public var composedPrompt: String {
        var parts: [String] = [prompt ?? payload["prompt"]?.stringValue ?? type]
        if let context = spec.context {
            parts.append("Context:\n" + (context.stringValue ?? context.jsonString))
        }
        if let criteria = spec.successCriteria {
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
