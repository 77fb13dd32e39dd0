import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists tasks, newest first, one page at a time.
struct TasksListCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tasks (newest first); filter by state, role, type or agent."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Only tasks in this state (comma-separated for several): blocked, queued, assigned, running, succeeded, failed, dead, cancelled, expired.")
    var state: String?

    @Option(help: "Only tasks for this role.")
    var role: String?

    @Option(help: "Only tasks of this type.")
    var type: String?

    @Option(help: "Only tasks held by this agent.")
    var agent: String?

    @Option(help: "Most tasks to show (1 to 1000).")
    var limit: Int?

    @Option(help: "Continue after this cursor (printed as 'next cursor' by the previous page).")
    var cursor: String?

    func ask(_ hub: HubClient) async throws -> JSONValue {
        var query: [String: String] = [:]
        query["state"] = state
        query["role"] = role
        query["type"] = type
        query["agent"] = agent
        query["limit"] = limit.map(String.init)
        query["cursor"] = cursor
        return try await hub.tasks(query: query)
    }

    func show(_ answer: JSONValue) throws {
        let page = try TaskPage(json: answer)
        let rows = page.tasks.map { task in
            [
                task.id, task.state.rawValue, task.spec.type, task.spec.role, task.spec.priority.rawValue,
                String(task.attempt), task.agentID ?? "-",
            ]
        }
        Console.table(["ID", "STATE", "TYPE", "ROLE", "PRIORITY", "ATTEMPT", "AGENT"], rows)
        if let next = page.nextCursor {
            Console.print("next cursor: \(next)")
        }
    }
}
