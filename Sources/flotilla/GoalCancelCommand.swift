import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Cancels a goal that has not ended (and its running plan).
struct GoalCancelCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a goal that has not ended.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The goal's id.")
    var id: String

    @Option(help: "Why it is cancelled (kept in the goal's reasons).")
    var reason: String?

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.cancelGoal(id: id, reason: reason) }

    func show(_ answer: JSONValue) throws { GoalPrinter.line(answer) }
}
