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
        let task = try await client.call { try await $0.retry(id.pathSegment) }
        if client.json {
            Console.print(task.jsonString)
        } else {
            Console.print("\(Console.cell(task["id"])) \(Console.cell(task["state"]))")
        }
    }
}
