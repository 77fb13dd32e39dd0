import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Shows one task with its attempts.
struct TasksShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one task with its attempts."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "Task id.")
    var id: String

    func run() async throws {
        let task = try await client.call { try await $0.task(id.pathSegment) }
        if client.json {
            Console.print(task.jsonString)
        } else {
            Console.details(task, first: ["id", "type", "state", "role", "priority", "attempt", "agent_id"])
        }
    }
}
