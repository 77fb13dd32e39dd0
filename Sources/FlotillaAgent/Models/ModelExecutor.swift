public import FlotillaCore
import Foundation

/// Drives a model over HTTP with a tool loop in the attempt's worktree: `openai` (any
/// OpenAI-compatible chat completions server) or `ollama` (its native chat API). See
/// docs/models.md.
public struct ModelExecutor: Executor {
    public var settings: ModelSettings
    public var transport: any ModelTransport

    public init(settings: ModelSettings, transport: any ModelTransport = HTTPModelTransport()) {
        self.settings = settings
        self.transport = transport
    }

    public var name: String { settings.dialect.rawValue }
    public var isLLM: Bool { true }
    public var kind: ExecutorKind { .model }

    private enum End: Sendable {
        case finished(LoopState.Next)
        /// A model call failed (its message, for the result).
        case failed(String)
        case stopped(StopReason)
        case timedOut
    }

    public func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
        let settings = try self.settings.overridden(by: request.assignment.payload)
        let loop = AgentLoop(settings: settings, transport: transport, tools: WorktreeTools(worktree: request.workingDirectory, stop: stop))
        let ledger = LoopLedger(LoopState(system: loop.systemPrompt(), prompt: request.prompt, maxTurns: settings.maxTurns))
        let output = request.output, meter = request.usage, prompt = request.prompt, timeout = request.timeout
        // The loop, the hub's stop and the attempt's timeout race; the first to end wins and
        // the others are cancelled (a model call in flight is abandoned, a tool's process killed).
        let end = await withTaskGroup(of: End?.self) { group -> End in
            group.addTask {
                do { return .finished(try await loop.run(prompt: prompt, ledger: ledger, output: output, usage: meter, progress: progress)) }
                catch is CancellationError { return nil }
                catch { return .failed("\(error)") }
            }
            group.addTask { await stop.wait().map(End.stopped) }
            if let timeout {
                group.addTask {
                    do { try await _Concurrency.Task.sleep(for: timeout) } catch { return nil }
                    return .timedOut
                }
            }
            for await end in group {
                if let end {
                    group.cancelAll()
                    return end
                }
            }
            return .timedOut
        }
        return outcome(end, state: ledger.snapshot, settings: settings, timeout: timeout)
    }

    private func outcome(_ end: End, state: LoopState, settings: ModelSettings, timeout: Duration?) -> ExecutionOutcome {
        var outcome = ExecutionOutcome(succeeded: false, summary: String(state.lastText.prefix(2000)), outputTail: state.lastText, exitCode: nil, error: nil)
        outcome.cost = settings.cost(of: state.usage)
        outcome.details = [
            "model": .string(state.model ?? settings.model ?? ""),
            "num_turns": .int(Int64(state.turns)),
            "tool_calls": .int(Int64(state.toolCalls)),
            "tool_errors": .int(Int64(state.toolErrors)),
            "usage": ["input_tokens": .int(Int64(state.usage.input)), "output_tokens": .int(Int64(state.usage.output)),
                      "cached_tokens": .int(Int64(state.usage.cached))],
        ]
        switch end {
        case .finished(.finished(let answer)):
            outcome.succeeded = true
            outcome.summary = String(answer.prefix(2000))
            outcome.outputTail = answer
        case .finished(.outOfTurns):
            outcome.error = "the model was still calling tools after max_turns (\(settings.maxTurns)) turns; raise --max-turns or payload.max_turns, or split the task"
            outcome.details["error_code"] = .string(AgentErrorCode.maxTurnsExceeded.rawValue)
        case .finished(.runTools):
            outcome.error = "the loop ended with tools to run"
        case .failed(let message):
            outcome.error = "\(name): " + Self.scrub(message, key: settings.apiKey)
            outcome.details["error_code"] = .string(AgentErrorCode.modelFailed.rawValue)
        case .stopped(let reason):
            outcome.stopped = reason
            outcome.error = "stopped (\(reason.rawValue))"
        case .timedOut:
            outcome.timedOut = true
            outcome.error = "timeout after \(timeout.map { "\($0.components.seconds)s" } ?? "its limit")"
        }
        return outcome
    }

    /// `text` without the key, should a server or a library ever repeat it.
    static func scrub(_ text: String, key: APIKey?) -> String {
        guard let key else { return SecretRedactor.redact(text) }
        return SecretRedactor.redact(text.replacingOccurrences(of: key.value, with: SecretRedactor.marker))
    }
}
