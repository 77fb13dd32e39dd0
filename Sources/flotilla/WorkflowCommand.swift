import ArgumentParser

/// Groups the commands that register workflows and start, follow and control their runs
/// (docs/workflows.md).
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Run, register, list and control workflows (pipelines of tasks, docs/workflows.md).",
        discussion: """
            Exit codes: 0 success; 1 a hub or connection error, or (with --wait) a run that failed or \
            was cancelled; 65 a workflow file or inputs the hub refused (printed as FILE:LINE:COLUMN: \
            code: message); 66 a file that cannot be read; 124 --wait ran out of time with the run \
            still running.
            """,
        subcommands: [
            WorkflowRunCommand.self, WorkflowApplyCommand.self, WorkflowListCommand.self, WorkflowShowCommand.self,
            WorkflowRunsCommand.self, WorkflowStatusCommand.self, WorkflowCancelCommand.self, WorkflowRerunCommand.self,
            WorkflowDeleteCommand.self,
        ]
    )
}

/// The workflow commands' exit codes beyond 0 and 1 (BSD sysexits, and `timeout(1)`'s 124).
enum WorkflowExit {
    /// The hub refused the workflow file or the run's inputs (EX_DATAERR).
    static let dataError = ExitCode(65)
    /// The workflow file cannot be read (EX_NOINPUT).
    static let noInput = ExitCode(66)
    /// `--wait` ran out of time before the run ended.
    static let timedOut = ExitCode(124)
}
