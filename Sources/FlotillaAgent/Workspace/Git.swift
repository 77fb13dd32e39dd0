import FlotillaCore
import Foundation

/// Runs git in a directory; a failure becomes a ``AgentError`` quoting git's own message.
struct Git: Sendable {
    let directory: String

    @discardableResult
    func run(_ arguments: [String], code: AgentError.Code = .workspaceFailed, environment: [String: String] = [:]) async throws -> String {
        let outcome = try await ProcessRunner.run(ProcessSpec(argv: ["git"] + arguments, environment: environment.merging(["GIT_TERMINAL_PROMPT": "0"]) { a, _ in a }, workingDirectory: directory, timeout: .seconds(300)).keepingAgentEnvironment())
        guard outcome.exitCode == 0 else {
            let detail = outcome.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)
            throw AgentError(code, "git \(arguments.prefix(2).joined(separator: " ")) failed in \(directory): \(detail.isEmpty ? "exit \(outcome.exitCode.map(String.init) ?? "signal")" : detail)")
        }
        return outcome.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git and reports only whether it succeeded (for probes like `rev-parse --verify`).
    func succeeds(_ arguments: [String]) async -> Bool {
        let outcome = try? await ProcessRunner.run(ProcessSpec(argv: ["git"] + arguments, workingDirectory: directory, timeout: .seconds(60)).keepingAgentEnvironment())
        return outcome?.exitCode == 0
    }
}
