import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Shows one registered workflow: inputs, triggers, steps and runs.
struct WorkflowShowCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a registered workflow: its inputs, triggers, steps and last run (--json includes its source)."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The workflow's name.")
    var name: String

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.workflow(name: name) }

    func show(_ answer: JSONValue) throws { WorkflowPrinter.workflow(answer) }
}
