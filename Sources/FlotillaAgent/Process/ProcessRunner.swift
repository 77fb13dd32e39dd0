import FlotillaCore
import Foundation
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// One program to run for an attempt.
public struct ProcessSpec: Sendable {
    public var argv: [String]
    /// Environment set for the child (the task's `env`, the executor's settings), on top of
    /// what it keeps from the agent's (see ``ChildEnvironment``).
    public var environment: [String: String]
    /// Names of the agent's variables the child keeps beyond the basics (an LLM's API key).
    public var passing: Set<String> = []
    /// For the agent's own tools (git, gh): keep the agent's whole environment but its
    /// Flotilla credentials. Task children (the default) get a scrubbed one.
    public var keepsAgentEnvironment = false
    public var workingDirectory: String?
    /// Killed (whole process group) after this long; nil means no limit.
    public var timeout: Duration?
    /// Bytes of stdout and of stderr kept (the tail).
    public var tailBytes: Int
    /// Bytes of one output line handed to `onLine`; the rest of a longer line is dropped. A
    /// child speaking JSON lines (`codex app-server`, `gemini --acp`) needs whole messages.
    public var lineLimit = 4096
    /// How long processes the program left in its group may run on after it exited (or hold
    /// its output open); then the group is ended, so `server &` neither holds the agent's slot
    /// nor outlives the task.
    public var leftoverGrace: Duration
    /// Where the raw output goes as it arrives (streamed to the hub), if anywhere.
    public var output: AttemptOutput?
    /// The child's stdin, kept open for writing while it runs; nil gives it none (end-of-file).
    public var input: ProcessInput?

    public init(argv: [String], environment: [String: String] = [:], workingDirectory: String? = nil, timeout: Duration? = nil, tailBytes: Int = 64 * 1024, leftoverGrace: Duration = .seconds(5)) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.tailBytes = tailBytes
        self.leftoverGrace = leftoverGrace
    }
}

extension ProcessSpec {
    /// The spec for one of the agent's own tools (git, gh), which keeps the agent's environment.
    public func keepingAgentEnvironment() -> ProcessSpec {
        var spec = self
        spec.keepsAgentEnvironment = true
        return spec
    }
}

/// How a process ended and what it printed last.
public struct ProcessOutcome: Sendable {
    /// The exit code; nil when a signal ended it.
    public var exitCode: Int32?
    public var signal: Int32?
    public var timedOut: Bool
    /// Set when a ``StopSignal`` ended the process.
    public var stopped: StopReason?
    public var stdout: OutputTail
    public var stderr: OutputTail
    public var duration: Duration
    /// The program exited but processes it started still held its output after the grace
    /// period: their group was ended.
    public var endedLeftovers = false

    public var succeeded: Bool { exitCode == 0 && !timedOut && stopped == nil }

    /// The kept output, stdout then stderr, for results and corrective prompts.
    public var combinedTail: String {
        let out = stdout.text, err = stderr.text
        if err.isEmpty { return out }
        if out.isEmpty { return err }
        return out + (out.hasSuffix("\n") ? "" : "\n") + err
    }
}

/// Runs programs in their own process group, so a timeout or a cancel kills everything they started.
public enum ProcessRunner {
    /// Which stream a line came from.
    public enum Stream: Sendable { case stdout, stderr }

    /// Seconds between SIGTERM and SIGKILL when a process group is stopped.
    static let killGrace: Duration = .seconds(2)

    /// Runs `spec`; `onLine` sees every output line as it arrives. Throws only if the program
    /// cannot be started (not found, bad working directory).
    public static func run(
        _ spec: ProcessSpec,
        stop: StopSignal? = nil,
        onLine: @escaping @Sendable (Stream, String) -> Void = { _, _ in }
    ) async throws -> ProcessOutcome {
        guard let program = spec.argv.first else {
            throw AgentError(.badTask, "Nothing to run: the command is empty.")
        }
        if let directory = spec.workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw AgentError(.badTask, "The working directory '\(directory)' does not exist.")
            }
        }
        var options = PlatformOptions()
        options.processGroupID = 0
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        // The agent's credentials stay with the agent: a task (or the tool it runs) starts
        // from a scrubbed environment, not the agent's (FLOTILLA_TOKEN, API keys).
        let parent = ProcessInfo.processInfo.environment
        let chosen = spec.keepsAgentEnvironment
            ? ChildEnvironment.withoutCredentials(parent, declared: spec.environment)
            : ChildEnvironment.scrubbed(parent, passing: spec.passing, declared: spec.environment)
        var environment: [Environment.Key: String] = [:]
        for (key, value) in chosen { environment[Environment.Key(stringLiteral: key)] = value }
        let started = ContinuousClock.now
        let collected: Collected
        let result: ExecutionResult<Collected, SequenceOutput, SequenceOutput>
        do {
            let configuration = Subprocess.Configuration(
                executable: executable,
                arguments: Arguments(Array(spec.argv.dropFirst())),
                environment: .custom(environment),
                workingDirectory: spec.workingDirectory.map { FilePath($0) },
                platformOptions: options
            )
            if let input = spec.input {
                defer { input.ended() }
                result = try await Subprocess.run(configuration, input: .inputWriter, output: .sequence, error: .sequence) { execution in
                    try await collect(execution, spec: spec, stop: stop, onLine: onLine) {
                        await input.pump(into: execution.standardInputWriter)
                    }
                }
            } else {
                result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) { execution in
                    try await collect(execution, spec: spec, stop: stop, onLine: onLine)
                }
            }
        } catch let error as SubprocessError {
            throw AgentError(.executorUnavailable, "Could not start '\(program)': \(error)")
        }
        collected = result.closureResult
        var outcome = ProcessOutcome(
            exitCode: nil, signal: nil, timedOut: collected.timedOut, stopped: collected.stopped,
            stdout: collected.stdout, stderr: collected.stderr, duration: ContinuousClock.now - started,
            endedLeftovers: collected.endedLeftovers
        )
        switch result.terminationStatus {
        case .exited(let code): outcome.exitCode = code
        case .signaled(let signal): outcome.signal = signal
        }
        if !outcome.endedLeftovers, await endLeftovers(of: collected.group, grace: spec.leftoverGrace) {
            outcome.endedLeftovers = true
        }
        return outcome
    }

    struct Collected: Sendable {
        var group: pid_t = 0
        var stdout: OutputTail
        var stderr: OutputTail
        var timedOut = false
        var stopped: StopReason?
        var endedLeftovers = false
    }

    enum Event: Sendable {
        case drained(Stream, OutputTail)
        case timedOut
        case stopped(StopReason)
        case leftovers
        case idle
    }

    private static func collect<Input: InputProtocol>(
        _ execution: Execution<Input, SequenceOutput, SequenceOutput>,
        spec: ProcessSpec,
        stop: StopSignal?,
        onLine: @escaping @Sendable (Stream, String) -> Void,
        feed: (@Sendable () async -> Void)? = nil
    ) async throws -> Collected {
        let group = execution.processIdentifier.value
        var collected = Collected(group: group, stdout: OutputTail(limit: spec.tailBytes), stderr: OutputTail(limit: spec.tailBytes))
        await withTaskGroup(of: Event.self) { tasks in
            tasks.addTask { await drain(execution.standardOutput, as: .stdout, limit: spec.tailBytes, lineLimit: spec.lineLimit, output: spec.output, onLine: onLine) }
            tasks.addTask { await drain(execution.standardError, as: .stderr, limit: spec.tailBytes, lineLimit: spec.lineLimit, output: spec.output, onLine: onLine) }
            if let timeout = spec.timeout {
                tasks.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return .idle }
                    return .timedOut
                }
            }
            if let stop {
                tasks.addTask { await stop.wait().map(Event.stopped) ?? .idle }
            }
            tasks.addTask { await leftoversOutlast(group, grace: spec.leftoverGrace) }
            if let feed {
                tasks.addTask { await feed(); return .idle }
            }
            var open = 2
            while open > 0, let event = await tasks.next() {
                switch event {
                case .drained(.stdout, let tail): collected.stdout = tail; open -= 1
                case .drained(.stderr, let tail): collected.stderr = tail; open -= 1
                case .timedOut:
                    collected.timedOut = true
                    tasks.addTask { await killGroup(group) }
                case .stopped(let reason):
                    collected.stopped = reason
                    tasks.addTask { await killGroup(group) }
                case .leftovers:
                    collected.endedLeftovers = true
                    tasks.addTask { await killGroup(group) }
                case .idle: break
                }
            }
            tasks.cancelAll()
        }
        return collected
    }

    private static func drain(_ sequence: SubprocessOutputSequence, as stream: Stream, limit: Int, lineLimit: Int, output: AttemptOutput?, onLine: @Sendable (Stream, String) -> Void) async -> Event {
        var tail = OutputTail(limit: limit)
        var lines = LineSplitter(maxLine: lineLimit)
        do {
            for try await buffer in sequence {
                buffer.withUnsafeBytes { bytes in
                    tail.append(bytes)
                    output?.append(bytes)
                    for line in lines.feed(bytes) { onLine(stream, line) }
                }
            }
        } catch {}
        if let last = lines.finish() { onLine(stream, last) }
        return .drained(stream, tail)
    }

    /// SIGTERM to the whole group, then SIGKILL after a grace period; returns early if cancelled
    /// (the group is gone once its output has closed).
    static func killGroup(_ group: pid_t) async -> Event {
        kill(-group, SIGTERM)
        do { try await Task.sleep(for: killGrace) } catch { return .idle }
        kill(-group, SIGKILL)
        return .idle
    }
}
