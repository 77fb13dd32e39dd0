import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Puts a dead, failed, cancelled or expired task back in the queue.
struct TasksRetryCommand: HubIDCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a dead, cancelled or expired task again."
    )

    @OptionGroup var target: IDArguments<TaskSubject>

    func ask(_ hub: HubClient, id: String) async throws -> JSONValue { try await hub.retry(id) }

    func show(_ answer: JSONValue) throws { try TaskRecord(json: answer).printState() }
}

extension TaskRecord {
    /// `id state`: what `retry` and `cancel` print.
    func printState() {
        Console.print("\(id) \(state.rawValue)")
    }
}
