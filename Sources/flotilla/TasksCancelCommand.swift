import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Cancels a task that is not yet final.
struct TasksCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a task that has not finished."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "Task id.")
    var id: String

    @Option(help: "Why it is cancelled (recorded on the task).")
    var reason: String?

    func run() async throws {
        let task = try await client.call { try await $0.cancel(id.pathSegment, reason: reason) }
        if client.json {
            Console.print(task.jsonString)
        } else {
            Console.print("\(Console.cell(task["id"])) \(Console.cell(task["state"]))")
        }
    }
}
