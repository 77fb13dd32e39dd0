public import FlotillaCore

/// The outcome of one `verify` command.
public struct CheckResult: Sendable, Hashable {
    public var command: String
    public var passed: Bool
    /// nil when the check was skipped because an earlier one failed.
    public var exitCode: Int32?
    public var outputTail: String
    public var durationSeconds: Double
    public var skipped: Bool

    public var json: JSONValue {
        [
            "command": .string(command),
            "passed": .bool(passed),
            "exit_code": exitCode.map { .int(Int64($0)) } ?? .null,
            "output_tail": .string(outputTail),
            "duration_seconds": .double(durationSeconds),
            "skipped": .bool(skipped),
        ]
    }
}

/// Runs a task's `verify` commands in its workspace, in order, stopping at the first failure
/// (later checks usually build on earlier ones, e.g. build then test).
public struct Verifier: Sendable {
    /// A check is killed after this long.
    public var checkTimeout: Duration
    /// Bytes of each check's output kept for the result and for the corrective prompt.
    public var tailBytes: Int

    public init(checkTimeout: Duration = .seconds(600), tailBytes: Int = 8 * 1024) {
        self.checkTimeout = checkTimeout
        self.tailBytes = tailBytes
    }

    public func verify(_ commands: [String], in directory: String, stop: StopSignal) async throws -> [CheckResult] {
        var results: [CheckResult] = []
        var failed = false
        for command in commands {
            if failed || stop.reason != nil {
                results.append(CheckResult(command: command, passed: false, exitCode: nil, outputTail: "", durationSeconds: 0, skipped: true))
                continue
            }
            let spec = ProcessSpec(argv: ["/bin/sh", "-c", command], workingDirectory: directory, timeout: checkTimeout, tailBytes: tailBytes)
            let outcome = try await ProcessRunner.run(spec, stop: stop)
            var tail = outcome.combinedTail
            if outcome.timedOut { tail += "\n[flotilla: check killed after \(checkTimeout.components.seconds)s]" }
            let passed = outcome.succeeded
            results.append(CheckResult(
                command: command, passed: passed, exitCode: outcome.exitCode, outputTail: tail,
                durationSeconds: outcome.duration.seconds, skipped: false
            ))
            failed = !passed
        }
        return results
    }

    /// The prompt for a corrective run: the task, then the failing check and its output.
    public static func correctivePrompt(original: String, failing: CheckResult, round: Int) -> String {
        """
        \(original)

        Your previous attempt did not pass verification (fix round \(round)). This check failed:

            \(failing.command)

        exit code: \(failing.exitCode.map(String.init) ?? "killed")
        output (tail):
        ```
        \(failing.outputTail)
        ```

        Fix the work so that the check passes. Do not weaken or delete the check.
        """
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
