import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Puts a dead, failed, cancelled or expired task back in the queue.
struct TasksRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a dead, cancelled or expired task again."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "Task id.")
    var id: String

    func run() async throws {
        if client.json {
            Console.print(try await client.call { try await $0.retry(id.pathSegment) }.jsonString)
            return
        }
        let task = try await client.call { try await $0.retry(id: id.pathSegment) }
        Console.print("\(task.id) \(task.state.rawValue)")
    }
}
