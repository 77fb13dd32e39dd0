import FlotillaCore

extension WorktreeTools {
    /// Runs `argv` in the worktree through ``ProcessRunner`` (its own process group, killed on
    /// timeout or when the attempt is stopped; the scrubbed task environment); answers with the
    /// exit status and the output's tail.
    func runCommand(_ argv: [String], seconds: Int) async throws -> String {
        // The end of the output is what tells (the failing test, the error): keep each stream's
        // tail, together under the answer's cap, and say what was left out before it.
        let tail = max(256, (resultCap - 256) / 2)
        let spec = ProcessSpec(argv: argv, workingDirectory: confinement.root, timeout: .seconds(seconds), tailBytes: tail, leftoverGrace: .seconds(2))
        let outcome = try await ProcessRunner.run(spec, stop: stop)
        let status: String
        if outcome.timedOut {
            status = "timed out after \(seconds)s (killed)"
        } else if let signal = outcome.signal {
            status = "killed by signal \(signal)"
        } else {
            status = "exit code \(outcome.exitCode.map(String.init) ?? "?")"
        }
        let output = outcome.combinedTail
        let dropped = outcome.stdout.droppedBytes + outcome.stderr.droppedBytes
        return status + (dropped > 0 ? "\n[… \(dropped) earlier bytes of output not shown]" : "") + (output.isEmpty ? "" : "\n" + output)
    }
}
