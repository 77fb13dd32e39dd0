import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Puts a failed or cancelled goal back in the backlog.
struct GoalRetryCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Put a failed or cancelled goal back in the backlog.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The goal's id.")
    var id: String

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.retryGoal(id: id) }

    func show(_ answer: JSONValue) throws { GoalPrinter.line(answer) }
}
