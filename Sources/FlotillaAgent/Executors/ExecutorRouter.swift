import Foundation
public import FlotillaCore

/// Picks the executor for a task among those the agent has, routing by complexity:
/// a task's `payload.executor` if it names one the agent has; else the agent's own route for
/// the complexity (`--route standard=ollama`); else `trivial` → shell, `standard` → the first
/// model executor (openai, ollama), `complex` → the first CLI agent (claude, codex…), each
/// falling back to the nearest kind the agent has. With no complexity, a task carrying a
/// command goes to shell and one carrying only a prompt to the first LLM executor.
public struct ExecutorRouter: Sendable {
    public let executors: [any Executor]
    /// Executor names chosen per complexity, over the default order.
    public let routes: [Complexity: String]

    public init(executors: [any Executor], routes: [Complexity: String] = [:]) {
        self.executors = executors
        self.routes = routes
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
        if let complexity = assignment.complexity, let routed = routes[complexity], let match = executors.first(where: { $0.name == routed }) {
            return match
        }
        let shell = executors.first { $0.kind == .shell }
        let model = executors.first { $0.kind == .model }
        let cli = executors.first { $0.kind == .cliAgent }
        let llm = executors.first { $0.isLLM }
        switch assignment.complexity {
        case .trivial:
            return shell ?? first
        case .standard:
            return model ?? cli ?? first
        case .complex:
            return cli ?? model ?? first
        case nil:
            let hasCommand = assignment.payload["command"] != nil || assignment.payload["cmd"] != nil || assignment.payload["argv"] != nil
            if hasCommand, let shell { return shell }
            if !hasCommand, assignment.prompt != nil, let llm { return llm }
            return first
        }
    }

    /// Reads `--route complexity=executor[,…]`; every name must be one of `executors`.
    public static func parseRoutes(_ text: String, executors: [String]) throws -> [Complexity: String] {
        var routes: [Complexity: String] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, let complexity = Complexity(rawValue: pieces[0]) else {
                throw AgentError(.badConfiguration, "--route takes complexity=executor pairs (trivial, standard, complex), not '\(part)'.")
            }
            guard executors.contains(pieces[1]) else {
                throw AgentError(.badConfiguration, "--route sends \(pieces[0]) tasks to '\(pieces[1])', which is not among this agent's executors (\(executors.joined(separator: ", "))).")
            }
            routes[complexity] = pieces[1]
        }
        return routes
    }
}

