import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Shows one task with its attempts.
struct TasksShowCommand: HubIDCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one task with its attempts."
    )

    @OptionGroup var target: IDArguments<TaskSubject>

    func ask(_ hub: HubClient, id: String) async throws -> JSONValue { try await hub.task(id) }

    func show(_ answer: JSONValue) throws {
        let task = try TaskView(json: answer)
        // Why it waits, in words, under the fields (the reasons' details are in --json).
        var fields = task
        fields.waiting = nil
        let first: [String] = [TaskRecord.Field.id.rawValue, TaskSpec.Field.type.rawValue, TaskRecord.Field.state.rawValue, TaskSpec.Field.role.rawValue, TaskSpec.Field.priority.rawValue, TaskRecord.Field.attempt.rawValue, TaskRecord.Field.agentID.rawValue]
        Console.details(fields.json, first: first)
        if let cost = answer["cost"], let usd = cost["usd"]?.doubleValue {
            Console.print("cost: $\(String(format: "%.4f", usd)) over \(cost["attempts"]?.intValue ?? 0) attempt(s), \(cost["input_tokens"]?.intValue ?? 0) input / \(cost["output_tokens"]?.intValue ?? 0) output tokens")
        }
        for reason in task.waiting ?? [] {
            Console.print("waiting: \(reason.kind.rawValue): \(reason.message)")
        }
        // Paths its running attempt changed (file-aware dispatch; docs/goals.md).
        if let announced = answer["files"]?["announced"]?.arrayValue?.compactMap(\.stringValue), !announced.isEmpty {
            Console.print("announced files: \(announced.prefix(20).joined(separator: ", "))\(announced.count > 20 ? " (+\(announced.count - 20) more)" : "")")
        }
    }
}
