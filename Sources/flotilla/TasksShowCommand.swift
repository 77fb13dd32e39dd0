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
        if client.json {
            Console.print(try await client.call { try await $0.task(id.pathSegment) }.jsonString)
            return
        }
        let task = try await client.call { try await $0.task(id: id.pathSegment) }
        // Why it waits, in words, under the fields (the reasons' details are in --json).
        var fields = task
        fields.waiting = nil
        let first: [String] = [TaskRecord.Field.id.rawValue, TaskSpec.Field.type.rawValue, TaskRecord.Field.state.rawValue, TaskSpec.Field.role.rawValue, TaskSpec.Field.priority.rawValue, TaskRecord.Field.attempt.rawValue, TaskRecord.Field.agentID.rawValue]
        Console.details(fields.json, first: first)
        for reason in task.waiting ?? [] {
            Console.print("waiting: \(reason.kind.rawValue): \(reason.message)")
        }
    }
}
