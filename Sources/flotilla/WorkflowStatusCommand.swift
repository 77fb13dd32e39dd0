import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Shows one run with its steps as a table.
struct WorkflowStatusCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a workflow run with its steps: status, tasks, and why one was skipped or failed."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The run's id.")
    var id: String

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.workflowRun(id: id) }

    func show(_ answer: JSONValue) throws { WorkflowPrinter.run(answer) }
}
