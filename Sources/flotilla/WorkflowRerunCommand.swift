import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Starts a run again: the same definition, inputs and trigger, as a new run.
struct WorkflowRerunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract: "Run a workflow run again (same definition, inputs and trigger); the new run's id is the first line printed.",
        discussion: "--wait follows the new run as 'workflow run --wait' does, with the same exit codes."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The id of the run to repeat.")
    var id: String

    @Flag(help: "Follow the new run until it ends; exit 0 only if it succeeded.")
    var wait = false

    @Option(help: ArgumentHelp("Longest time to wait with --wait, in seconds.", valueName: "seconds"))
    var timeout: Double = 3600

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive.") }
    }

    func run() async throws {
        let started = try await client.call { try await $0.rerunWorkflowRun(id: id) }
        try await WorkflowRunCommand.report(started, client: client, wait: wait, timeout: timeout)
    }
}
