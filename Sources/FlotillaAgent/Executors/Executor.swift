import Foundation
public import FlotillaCore

/// What an executor is asked to do for one run (the first run, or a corrective one).
public struct ExecutionRequest: Sendable {
    public var assignment: Assignment
    /// The prompt for LLM executors; corrective runs quote the failing check here.
    public var prompt: String
    public var workingDirectory: String
    public var timeout: Duration?
    /// Set for corrective runs: the 1-based number of the fix.
    public var fixRound: Int?
    /// The session of the previous run, for executors that can resume one (Claude Code).
    public var resumeSession: String?
    /// Where the executor's output is streamed to the hub (nil: not streamed).
    public var output: AttemptOutput? = nil
    /// Where usage is reported as it is spent (nil: only the outcome's final cost counts).
    public var usage: UsageMeter? = nil
    /// Where the executor asks before a tool runs (nil: nobody to ask; executors then keep
    /// their own non-interactive behaviour).
    public var approvals: (any ApprovalAsking)? = nil
    // Made only by the attempt runner, with the memberwise init Swift writes.
}

/// Tokens and money one run cost.
public struct Cost: Sendable, Hashable {
    // Made only by this module's executors (and tests), with the memberwise init Swift writes.
    public var tokensIn: Int = 0
    public var tokensOut: Int = 0
    public var usd: Double = 0
    /// Of ``tokensIn``, those read from a prompt cache (a subset, not an addition).
    public var cachedTokens: Int = 0

    public static func + (lhs: Cost, rhs: Cost) -> Cost {
        Cost(tokensIn: lhs.tokensIn + rhs.tokensIn, tokensOut: lhs.tokensOut + rhs.tokensOut, usd: lhs.usd + rhs.usd, cachedTokens: lhs.cachedTokens + rhs.cachedTokens)
    }

    public var json: JSONValue {
        ["tokens_in": .int(Int64(tokensIn)), "tokens_out": .int(Int64(tokensOut)), "cached_tokens": .int(Int64(cachedTokens)), "usd": .double(usd)]
    }

    /// The cost ledger's form of it (the `usage` message's members).
    public var usage: Usage {
        Usage(inputTokens: tokensIn, outputTokens: tokensOut, cachedTokens: cachedTokens, usd: usd)
    }
}

/// How one executor run ended.
public struct ExecutionOutcome: Sendable {
    public var succeeded: Bool
    /// One line a person reads first (the LLM's final answer, or the last output line).
    public var summary: String
    public var outputTail: String
    public var exitCode: Int32?
    public var error: String?
    public var timedOut: Bool = false
    public var stopped: StopReason?
    public var cost: Cost?
    /// Set when the tool reported its subscription's usage limit: when it resets (seconds
    /// since the epoch). The attempt is then released unharmed and the agent pauses until then.
    public var usageLimitUntil: Double? = nil
    /// Executor-specific facts for the result (e.g. `session_id`, `num_turns`).
    public var details: [String: JSONValue] = [:]
}

// The other initialisers stand in an extension so that Swift writes the memberwise one (only
// this module's executors make outcomes).
extension ExecutionOutcome {
    /// The common outcome of a finished process.
    init(process: ProcessOutcome, summary: String? = nil, timeout: Duration?) {
        let tail = process.combinedTail
        var error: String?
        if process.timedOut {
            error = "timeout after \(timeout.map { "\($0.components.seconds)s" } ?? "its limit")"
        } else if let signal = process.signal {
            error = "killed by signal \(signal)"
        } else if let code = process.exitCode, code != 0 {
            error = "exit code \(code)"
        }
        self.init(
            succeeded: process.succeeded,
            summary: summary ?? Self.lastLine(of: tail),
            outputTail: tail,
            exitCode: process.exitCode,
            error: error,
            timedOut: process.timedOut,
            stopped: process.stopped
        )
        if process.endedLeftovers { details["ended_background_processes"] = true }
    }

    static func lastLine(of text: String) -> String {
        let line = text.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        return String(line.prefix(500))
    }
}

/// Receives progress while an executor runs: percent done (if known) and a status line.
public typealias ProgressSink = @Sendable (_ percent: Double?, _ message: String) -> Void

/// Runs one kind of work (a shell command, Claude Code, another CLI) for an attempt.
public protocol Executor: Sendable {
    /// The executor's name, as `--executor` spells it.
    var name: String { get }
    /// LLM executors get corrective runs when a check fails; a shell command would only repeat itself.
    var isLLM: Bool { get }
    /// The program it starts, when it starts a fixed one: the agent checks it is on PATH at start.
    var program: String? { get }
    /// Shell, model or CLI agent, for routing by complexity.
    var kind: ExecutorKind { get }
    /// Runs the request to the end, or until `stop` fires (then the whole process group is killed).
    func execute(_ request: ExecutionRequest, stop: StopSignal, progress: @escaping ProgressSink) async throws -> ExecutionOutcome
}

extension Executor {
    /// None by default: the shell executor runs whatever a task asks.
    public var program: String? { nil }

    /// A CLI agent when it is an LLM executor (the model executors say otherwise), else shell.
    public var kind: ExecutorKind { isLLM ? .cliAgent : .shell }
}
