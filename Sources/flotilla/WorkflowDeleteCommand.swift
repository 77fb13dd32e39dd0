import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Unregisters a workflow; its runs stay (and a running one carries on).
struct WorkflowDeleteCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Unregister a workflow (its triggers stop; its runs stay)."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The workflow's name.")
    var name: String

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.deleteWorkflow(name: name) }

    func show(_ answer: JSONValue) throws { Console.print("\(Console.cell(answer["name"])) deleted") }
}
