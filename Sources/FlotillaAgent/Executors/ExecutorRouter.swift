import FlotillaCore

/// Picks the executor for a task among those the agent has, routing by complexity:
/// a task's `payload.executor` if it names one the agent has; `trivial` → shell; `standard` and
/// `complex` → the first LLM executor configured; with no complexity, a task carrying a command
/// goes to shell and one carrying only a prompt to the LLM.
public struct ExecutorRouter: Sendable {
    public let executors: [any Executor]

    public init(executors: [any Executor]) {
        self.executors = executors
    }

    public var names: [String] { executors.map(\.name) }

    public func executor(for assignment: Assignment) throws -> any Executor {
        guard let first = executors.first else {
            throw AgentError(.badConfiguration, "The agent has no executors.")
        }
        if let requested = assignment.payload["executor"]?.stringValue {
            guard let match = executors.first(where: { $0.name == requested }) else {
                throw AgentError(.badTask, "The task asks for executor '\(requested)', which this agent does not have (it has \(names.joined(separator: ", "))).")
            }
            return match
        }
        let shell = executors.first { !$0.isLLM }
        let llm = executors.first { $0.isLLM }
        switch assignment.complexity {
        case .trivial:
            return shell ?? first
        case .standard, .complex:
            return llm ?? first
        case nil:
            let hasCommand = assignment.payload["command"] != nil || assignment.payload["cmd"] != nil || assignment.payload["argv"] != nil
            if hasCommand, let shell { return shell }
            if !hasCommand, assignment.prompt != nil, let llm { return llm }
            return first
        }
    }
}
