public import FlotillaCore
import Synchronization

/// Runs the task's payload as a command: `command` through `/bin/sh -c`, or `argv` as given,
/// with optional `env` (object) and `cwd` (relative to the workspace).
public struct ShellExecutor: Executor {
    public let name = "shell"
    public let isLLM = false
    /// Bytes of stdout and of stderr kept for the result.
    public var tailBytes: Int

    public init(tailBytes: Int = 64 * 1024) {
        self.tailBytes = tailBytes
    }

    public func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
        var spec = try processSpec(for: request)
        spec.output = request.output
        let meter = request.usage
        let spent = Mutex<(cost: Cost?, model: String?)>((nil, nil))
        let outcome = try await ProcessRunner.run(spec, stop: stop) { stream, line in
            if stream == .stdout, let reported = UsageLines.cost(in: line) {
                spent.withLock { $0 = (($0.cost ?? Cost()) + reported.cost, reported.model ?? $0.model) }
                meter?.add(reported.cost)
                return
            }
            progress(nil, line)
        }
        var result = ExecutionOutcome(process: outcome, timeout: request.timeout)
        let (cost, model) = spent.withLock { $0 }
        result.cost = cost
        if let model { result.details["model"] = .string(model) }
        return result
    }

    func processSpec(for request: ExecutionRequest) throws -> ProcessSpec {
        let payload = request.assignment.payload
        let argv: [String]
        if let command = payload["command"]?.stringValue ?? payload["cmd"]?.stringValue {
            argv = ["/bin/sh", "-c", command]
        } else if let list = payload["argv"]?.arrayValue {
            let strings = list.compactMap(\.stringValue)
            guard strings.count == list.count, !strings.isEmpty else {
                throw AgentError(.badTask, "'payload.argv' must be a non-empty array of strings.")
            }
            argv = strings
        } else {
            throw AgentError(.badTask, "A shell task needs 'payload.command' (a string run by /bin/sh -c) or 'payload.argv' (an array of strings).")
        }
        var environment: [String: String] = [:]
        if let env = payload["env"] {
            guard let object = env.objectValue else {
                throw AgentError(.badTask, "'payload.env' must be an object of strings.")
            }
            for (key, value) in object {
                environment[key] = value.stringValue ?? value.jsonString
            }
        }
        var directory = request.workingDirectory
        if let cwd = payload["cwd"]?.stringValue {
            directory = cwd.hasPrefix("/") ? cwd : directory + "/" + cwd
        }
        return ProcessSpec(argv: argv, environment: environment, workingDirectory: directory, timeout: request.timeout, tailBytes: tailBytes)
    }
}
