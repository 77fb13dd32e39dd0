import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Cancels a run and its unfinished tasks.
struct WorkflowCancelCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a running workflow run and its unfinished tasks."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The run's id.")
    var id: String

    @Option(help: "Why it is cancelled (recorded on the run).")
    var reason: String?

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.cancelWorkflowRun(id: id, reason: reason) }

    func show(_ answer: JSONValue) throws { Console.print("\(Console.cell(answer["id"])) \(Console.cell(answer["status"]))") }
}
