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
        if client.json {
            Console.print(try await client.call { try await $0.cancel(id.pathSegment, reason: reason) }.jsonString)
            return
        }
        let task = try await client.call { try await $0.cancel(id: id.pathSegment, reason: reason) }
        Console.print("\(task.id) \(task.state.rawValue)")
    }
}
