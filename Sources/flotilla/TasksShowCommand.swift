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
            // Why it waits, in words, under the fields (the reasons' details are in --json).
            var fields = task.objectValue ?? [:]
            let waiting = fields.removeValue(forKey: "waiting")?.arrayValue ?? []
            Console.details(.object(fields), first: ["id", "type", "state", "role", "priority", "attempt", "agent_id"])
            for reason in waiting {
                Console.print("waiting: \(reason["reason"]?.stringValue ?? "?"): \(reason["message"]?.stringValue ?? "")")
            }
        }
    }
}
