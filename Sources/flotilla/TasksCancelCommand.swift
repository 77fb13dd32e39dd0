import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Cancels a task that is not yet final.
struct TasksCancelCommand: HubIDCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a task that has not finished."
    )

    @OptionGroup var target: IDArguments<TaskSubject>

    @Option(help: "Why it is cancelled (recorded on the task).")
    var reason: String?

    func ask(_ hub: HubClient, id: String) async throws -> JSONValue { try await hub.cancel(id, reason: reason) }

    func show(_ answer: JSONValue) throws { try TaskRecord(json: answer).printState() }
}
