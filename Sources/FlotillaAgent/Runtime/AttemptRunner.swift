import Foundation
public import FlotillaCore
import Logging

/// Runs one attempt end to end: pick the executor, make the workspace, execute, verify (with
/// corrective runs for LLM executors), commit and publish, clean up, and shape the result.
public struct AttemptRunner: Sendable {
    public let router: ExecutorRouter
    public let workspaces: WorkspaceManager
    public let verifier: Verifier
    /// The directory tasks without a `repo` run in.
    public let workdir: String
    let logger: Logger

    public init(router: ExecutorRouter, workspaces: WorkspaceManager, verifier: Verifier, workdir: String, logger: Logger) {
        self.router = router
        self.workspaces = workspaces
        self.verifier = verifier
        self.workdir = workdir
        self.logger = logger
    }

    /// The report to send for the attempt, or nil when the hub cancelled it (it is over there).
    ///
    /// - Parameter output: where the executor's output is streamed while it runs, if anywhere.
    /// - Parameter spending: where each model call's usage goes while it runs, named by executor
    ///   (the agent sends it to the hub as `usage`).
    /// - Parameter usageLimit: told when the executor hit its subscription's usage limit, with
    ///   the reset time; the attempt is then released unharmed.
    /// - Parameter announce: where the paths the attempt changes in its worktree go while it
    ///   runs (a ``WorktreeWatcher`` looks every `watchInterval`), if anywhere.
    public func run(
        _ assignment: Assignment, stop: StopSignal, output: AttemptOutput? = nil, approvals: (any ApprovalAsking)? = nil,
        spending: SpendingSink? = nil, usageLimit: (@Sendable (Double) -> Void)? = nil,
        announce: WorktreeWatcher.Announce? = nil, watchInterval: Duration = .seconds(2), progress: @escaping ProgressSink
    ) async -> AttemptReport.Kind? {
        let started = ContinuousClock.now
        var result = AttemptResult()
        let report: AttemptReport.Kind?
        do {
            let executor = try router.executor(for: assignment)
            result.executor = executor.name
            if let repo = assignment.repo {
                progress(nil, "preparing worktree for \(repo)")
                result.workspace = try await workspaces.prepare(repo: repo, key: assignment.key, base: try assignment.base())
            }
            let meter = spending.map { sink in UsageMeter { sink($0, executor.name) } }
            let watcher = result.workspace.map { WorktreeWatcher(path: $0.path, interval: watchInterval) }
            let finish = try await Self.watching(with: watcher, announce: announce) {
                try await execute(
                    assignment, executor: executor, workspace: result.workspace, stop: stop, output: output, meter: meter,
                    approvals: approvals, usageLimit: usageLimit, progress: progress, result: &result
                )
            }
            result.duration = ContinuousClock.now - started
            report = finish.map { $0(result) }
        } catch {
            result.duration = ContinuousClock.now - started
            let agentError = error as? AgentError
            result.error = agentError?.message ?? "\(error)"
            result.errorCode = agentError?.code.rawValue
            if let reason = stop.reason {
                report = reason == .released ? .release(reason: "agent shutting down") : nil
            } else {
                let permanent: Set<AgentError.Code> = [.badTask, .ghUnavailable, .badConfiguration]
                let retryable = agentError.map { !permanent.contains($0.code) } ?? true
                report = .fail(error: result.error ?? "failed", retryable: retryable, result: result.json(succeeded: false))
            }
        }
        if let workspace = result.workspace { await workspaces.remove(workspace) }
        if report == nil { logger.info("attempt stopped by the hub", metadata: ["attempt": "\(assignment.key)"]) }
        return report
    }

    /// Returns a function that turns the finished result into the report, or nil when stopped by the hub.
    private func execute(
        _ assignment: Assignment, executor: any Executor, workspace: Workspace?, stop: StopSignal,
        output: AttemptOutput?, meter: UsageMeter?, approvals: (any ApprovalAsking)?, usageLimit: (@Sendable (Double) -> Void)?, progress: @escaping ProgressSink,
        result: inout AttemptResult
    ) async throws -> ((AttemptResult) -> AttemptReport.Kind)? {
        let directory = workspace?.path ?? workdir
        let timeout = assignment.timeoutSeconds.map { Duration.seconds($0) }
        var request = ExecutionRequest(assignment: assignment, prompt: assignment.composedPrompt, workingDirectory: directory, timeout: timeout)
        request.output = output
        request.usage = meter
        request.approvals = approvals
        progress(nil, "running \(executor.name)")
        var outcome = try await executor.execute(request, stop: stop, progress: progress)
        result.absorb(outcome)
        if let reason = outcome.stopped {
            return reason == .released ? { _ in .release(reason: "agent shutting down") } : nil
        }
        if let resets = outcome.usageLimitUntil {
            // Not the task's fault: hand it back (no attempt used) and take no work until then.
            usageLimit?(resets)
            return { _ in .release(reason: "\(executor.name) usage limit reached; it resets at \(Timestamp.iso8601(resets))") }
        }
        if outcome.succeeded, !assignment.verify.isEmpty {
            progress(nil, "verifying: \(assignment.verify.count) check(s)")
            var checks = try await verifier.verify(assignment.verify, in: directory, stop: stop)
            while let failing = checks.first(where: { !$0.passed && !$0.skipped }), executor.isLLM, result.fixRounds < assignment.fixAttempts, stop.reason == nil {
                result.fixRounds += 1
                progress(nil, "check failed: \(failing.command); corrective run \(result.fixRounds)")
                request.fixRound = result.fixRounds
                request.prompt = Verifier.correctivePrompt(original: assignment.composedPrompt, failing: failing, round: result.fixRounds)
                request.resumeSession = outcome.details["session_id"]?.stringValue
                outcome = try await executor.execute(request, stop: stop, progress: progress)
                result.absorb(outcome)
                guard outcome.succeeded else { break }
                checks = try await verifier.verify(assignment.verify, in: directory, stop: stop)
            }
            result.checks = checks
            if let reason = stop.reason {
                return reason == .released ? { _ in .release(reason: "agent shutting down") } : nil
            }
        }
        let failedCheck = result.checks.first { !$0.passed && !$0.skipped }
        let succeeded = outcome.succeeded && failedCheck == nil
        if !outcome.succeeded {
            result.error = outcome.error ?? "\(executor.name) failed"
        } else if let failedCheck {
            result.error = "verification failed: `\(failedCheck.command)` exited \(failedCheck.exitCode.map(String.init) ?? "by a kill")"
                + (result.fixRounds > 0 ? " after \(result.fixRounds) corrective run(s)" : "")
        }
        if let workspace {
            progress(nil, "committing to \(workspace.branch)")
            result.commit = try await workspaces.commit(workspace, assignment: assignment)
            if succeeded, assignment.push || assignment.pullRequest {
                try await workspaces.push(workspace)
                result.commit?.pushed = true
                if assignment.pullRequest {
                    result.commit?.pullRequestURL = try await workspaces.openPullRequest(workspace, assignment: assignment)
                }
            }
        }
        return { result in
            succeeded
                ? .complete(result: result.json(succeeded: true))
                : .fail(error: result.error ?? "failed", retryable: true, result: result.json(succeeded: false))
        }
    }

    /// Runs `body` with `watcher` announcing the worktree's changed paths beside it; the
    /// watcher stops when `body` ends, and whatever it was sending has gone out by then.
    private static func watching<T>(with watcher: WorktreeWatcher?, announce: WorktreeWatcher.Announce?, _ body: () async throws -> T) async throws -> T {
        guard let watcher, let announce else { return try await body() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run(announce: announce) }
            do {
                let value = try await body()
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
