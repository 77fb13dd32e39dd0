public import FlotillaCore
import Synchronization

/// Claude Code in headless mode, with the model, allowed tools and permission mode from the
/// agent's configuration. A corrective run resumes the first run's session (`--resume`), so
/// Claude keeps its context.
///
/// By default Claude asks before it acts: it runs as `claude -p --input-format stream-json
/// --output-format stream-json --verbose --permission-prompt-tool stdio`, gets the prompt as a
/// `user` line on stdin, and each permission request it writes (`control_request`,
/// `can_use_tool`) is asked through the attempt's approvals and answered on stdin
/// (ClaudeControlProtocol); stdin closes after the `result` line. With auto-approve
/// (`--dangerously-skip-permissions`) or the `bypassPermissions` mode nothing is asked: the
/// prompt is the last argument, as before.
public struct ClaudeExecutor: Executor {
    public let name = "claude"
    public let isLLM = true
    public var settings: LLMSettings

    public init(settings: LLMSettings) {
        self.settings = settings
    }

    public var program: String? { settings.binary ?? "claude" }

    /// Whether Claude's permission requests come to the hub (anything but auto-approve).
    public var asksPermission: Bool { !settings.autoApprove && settings.permissionMode != "bypassPermissions" }

    /// The command line for one run; `resume` continues an earlier session.
    ///
    /// `-p` is a switch and the prompt is Claude Code's positional argument: without stdin it
    /// comes last, after `--`, so a prompt such as `--dangerously-skip-permissions` or `-rf` is
    /// text, never an option. When Claude asks permission, the prompt goes on stdin instead.
    public func arguments(prompt: String, resume sessionID: String?) -> [String] {
        var argv = [settings.binary ?? "claude", "-p"]
        if asksPermission { argv += ["--input-format", "stream-json"] }
        argv += ["--output-format", "stream-json", "--verbose"]
        if asksPermission { argv += ["--permission-prompt-tool", "stdio"] }
        if let sessionID { argv += ["--resume", sessionID] }
        if let model = settings.model { argv += ["--model", model] }
        if !settings.allowedTools.isEmpty { argv += ["--allowedTools", settings.allowedTools.joined(separator: ",")] }
        if let mode = settings.permissionMode { argv += ["--permission-mode", mode] }
        if settings.autoApprove { argv.append("--dangerously-skip-permissions") }
        return argv + settings.extraArguments + (asksPermission ? [] : ["--", prompt])
    }

    public func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome {
        let resume = request.resumeSession
        let parser = Mutex(ClaudeStreamParser())
        var spec = ProcessSpec(
            argv: arguments(prompt: request.prompt, resume: resume),
            environment: settings.environment,
            workingDirectory: request.workingDirectory,
            timeout: request.timeout
        )
        // The tool's own key and settings, nothing else of the agent's (ChildEnvironment).
        spec.passing = ChildEnvironment.needs(ofExecutor: name)
        let output = request.output
        let meter = request.usage
        let conversation = asksPermission ? ClaudeConversation(request: request, progress: progress) : nil
        spec.input = conversation?.input
        let process = try await ClaudeConversation.run(conversation) { requests in
            try await ProcessRunner.run(spec, stop: stop) { stream, line in
                // Streamed readable: stderr as it is, stream-json as text and tool lines.
                if let output {
                    for readable in stream == .stdout ? ClaudeOutputLines.lines(for: line) : [line] { output.append(line: readable) }
                }
                guard stream == .stdout else { return }
                conversation?.read(line, into: requests)
                let (message, spent) = parser.withLock { ($0.consume(line), $0.takeUsage()) }
                if let spent { meter?.add(spent) }
                if let message { progress(nil, message) }
            }
        }
        let parsed = parser.withLock { $0 }
        var outcome = ExecutionOutcome(process: process, summary: parsed.final?.result ?? parsed.lastText, timeout: request.timeout)
        outcome.details["session_id"] = parsed.final?.sessionID.map(JSONValue.string) ?? parsed.sessionID.map(JSONValue.string) ?? .null
        outcome.details["tool_uses"] = .int(Int64(parsed.toolUses))
        if let model = parsed.model { outcome.details["model"] = .string(model) }
        guard let final = parsed.final else {
            if outcome.succeeded || outcome.error == nil {
                outcome.succeeded = false
                outcome.error = "claude ended without a result line"
            }
            return outcome
        }
        outcome.cost = final.cost
        outcome.details["num_turns"] = final.numTurns.map { .int(Int64($0)) } ?? .null
        outcome.details["claude_subtype"] = .string(final.subtype)
        if let usage = final.usage { outcome.details["usage"] = usage }
        if final.isError, let resets = parsed.usageLimitResetsAt {
            // A subscription's limit, not a failure of the work: the agent hands it back.
            outcome.usageLimitUntil = resets
        }
        if final.isError, outcome.stopped == nil, !outcome.timedOut {
            outcome.succeeded = false
            outcome.error = "claude reported \(final.subtype)" + (final.result.isEmpty ? "" : ": \(final.result.prefix(300))")
        }
        return outcome
    }
}
