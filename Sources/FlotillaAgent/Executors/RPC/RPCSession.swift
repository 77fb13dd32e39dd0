import FlotillaCore
import Synchronization

/// Runs an ``RPCConversation`` against its child process: the child's stdout lines go to the
/// conversation, its effects come back as lines on the child's stdin, approval requests are asked
/// through `ExecutionRequest.approvals` (each in a child task, so the child's other messages keep
/// flowing while a person decides), agent text streams to the attempt's output, usage to the
/// meter. A line that breaks the protocol, or an exit before the turn ended, fails the attempt
/// with `executor_protocol` and the reason; it never leaves the executor waiting.
enum RPCSession {
    /// How long the child may take to exit once its turn is over and its stdin closed.
    static let exitGrace: Duration = .seconds(10)
    /// The longest message read from the child; a longer line is cut and so breaks the protocol.
    static let maxMessageBytes = 16 << 20

    static func run<Conversation: RPCConversation>(
        _ conversation: Conversation, spec: ProcessSpec, request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink
    ) async throws -> ExecutionOutcome {
        let state = Shared(State(conversation: conversation))
        let input = ProcessInput()
        // Our own stop for the child: the attempt's stop, a broken protocol, or a child that
        // lingers after its turn. The attempt's reason is read from `stop` itself.
        let kill = StopSignal()
        let (lines, sink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        let output = request.output
        let tool = conversation.toolName
        // Set once the child is gone, so that the wait for the attempt's stop ends too.
        let exited = OneShot<Bool>()
        let process = try await withThrowingTaskGroup(of: ProcessOutcome?.self) { group in
            group.addTask {
                let reason = await withTaskGroup(of: StopReason?.self) { race in
                    race.addTask { await stop.wait() }
                    race.addTask { _ = await exited.wait(); return nil }
                    let first = await race.next() ?? nil
                    race.cancelAll()
                    return first
                }
                if let reason { kill.fire(reason) }
                return nil
            }
            group.addTask {
                await converse(lines: lines, state: state, input: input, kill: kill, request: request, progress: progress)
                return nil
            }
            var spec = spec
            spec.input = input
            // One line is one message, however long (a diff, a command's output).
            spec.lineLimit = maxMessageBytes
            let outcome = try await ProcessRunner.run(spec, stop: kill) { stream, line in
                if stream == .stdout {
                    sink.yield(line)
                } else {
                    // The tool's own diagnostics: readable as they are.
                    output?.append(line: line)
                }
            }
            // The conversation reads what is left of the child's lines, then ends by itself.
            sink.finish()
            exited.fire(true)
            while try await group.next() != nil {}
            return outcome
        }
        return state.withLock { state in
            state.outcome(process: process, tool: tool, stopped: stop.reason, timeout: request.timeout)
        }
    }

    /// Reads the child's lines until they end, doing what the conversation says.
    private static func converse<Conversation: RPCConversation>(
        lines: AsyncStream<String>, state: Shared<State<Conversation>>, input: ProcessInput, kill: StopSignal,
        request: ExecutionRequest, progress: @escaping ProgressSink
    ) async {
        await withTaskGroup(of: Void.self) { asks in
            let versioned = state.withLock { $0.conversation.versioned }
            func perform(_ effects: [RPCEffect]) {
                for effect in effects {
                    switch effect {
                    case .send(let message):
                        input.send(line: message.line(versioned: versioned))
                    case .ask(let pending):
                        asks.addTask {
                            let answer = await ask(pending.question, through: request.approvals)
                            let reply = state.withLock { $0.conversation.reply(to: pending, with: answer) }
                            state.withLock { $0.decisions.append(pending.question.subject + ": " + (answer.allowed ? "allowed" : "denied")) }
                            input.send(line: reply.line(versioned: versioned))
                        }
                    case .text(let text):
                        state.withLock {
                            $0.text.append(Array(text.utf8))
                            if let last = text.last { $0.atLineStart = last == "\n" }
                        }
                        var bytes = text
                        bytes.withUTF8 { request.output?.append(UnsafeRawBufferPointer($0)) }
                    case .progress(let line):
                        // A status line never lands in the middle of the agent's sentence.
                        let fresh = state.withLock { state in
                            defer { state.atLineStart = true }
                            return state.atLineStart
                        }
                        request.output?.append(line: (fresh ? "" : "\n") + line)
                        progress(nil, line)
                    case .usage(let cost):
                        state.withLock { $0.cost = $0.cost + cost }
                        request.usage?.add(cost)
                    case .finish(let end):
                        state.withLock { $0.end = end }
                        input.close()
                        // A child that does not exit once its stdin is closed is ended.
                        asks.addTask {
                            do { try await Task.sleep(for: exitGrace) } catch { return }
                            kill.fire(.cancelled)
                        }
                    }
                }
            }
            perform(state.withLock { $0.conversation.start() })
            for await line in lines where !line.isEmpty {
                do throws(AgentError) {
                    let message = try JSONRPCMessage.parse(line)
                    let effects = try state.withLock { state throws(AgentError) in try state.conversation.consume(message) }
                    perform(effects)
                } catch {
                    state.withLock { if $0.failure == nil, $0.end == nil { $0.failure = error } }
                    input.close()
                    kill.fire(.cancelled)
                }
            }
            // The child is gone: nobody is left to answer.
            asks.cancelAll()
        }
    }

    /// A person's (or a rule's) answer; with no approvals broker (an agent run without a hub, a
    /// test) nobody can answer, so the request is denied and says why.
    private static func ask(_ question: ApprovalQuestion, through approvals: (any ApprovalAsking)?) async -> ApprovalAnswer {
        guard let approvals else {
            return ApprovalAnswer(allowed: false, reason: "no approvals broker: this agent cannot ask anyone", choice: nil, approvalID: nil)
        }
        return await approvals.ask(question)
    }

    /// State the reading loop, the approval tasks and the end share.
    final class Shared<Value: Sendable>: Sendable {
        private let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
            try mutex.withLock(body)
        }
    }

    struct State<Conversation: RPCConversation>: Sendable {
        var conversation: Conversation
        var end: RPCEnd?
        var failure: AgentError?
        var cost = Cost()
        var text = OutputTail(limit: 64 * 1024)
        var atLineStart = true
        var decisions: [String] = []

        /// The outcome from how the turn ended and how the process did.
        func outcome(process: ProcessOutcome, tool: String, stopped: StopReason?, timeout: Duration?) -> ExecutionOutcome {
            var outcome = ExecutionOutcome(process: process, summary: end?.summary, timeout: timeout)
            let stderr = process.stderr.text
            outcome.outputTail = text.text + (stderr.isEmpty ? "" : (text.text.isEmpty ? "" : "\n") + stderr)
            outcome.stopped = stopped
            if cost.tokensIn > 0 || cost.tokensOut > 0 || cost.usd > 0 { outcome.cost = cost }
            if !decisions.isEmpty { outcome.details["approvals"] = .array(decisions.map(JSONValue.string)) }
            if stopped != nil || process.timedOut { return outcome }
            if let end {
                outcome.succeeded = end.succeeded
                outcome.error = end.succeeded ? nil : end.error
                outcome.usageLimitUntil = end.usageLimitUntil
                outcome.details.merge(end.details) { _, new in new }
                if end.succeeded { outcome.exitCode = process.exitCode ?? 0 }
            } else {
                outcome.succeeded = false
                let reason = failure?.message ?? "\(tool) exited before its turn ended (\(outcome.error ?? "exit code 0"))"
                outcome.error = reason
                outcome.details["error_code"] = .string(AgentErrorCode.executorProtocol.rawValue)
                if outcome.summary.isEmpty || failure != nil { outcome.summary = String(reason.prefix(500)) }
            }
            return outcome
        }
    }
}
