import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists the agents the hub knows.
struct AgentsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List agents with their state, roles and held tasks."
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let agents = try await client.call { try await $0.agents() }
        if client.json {
            Console.print(JSONValue.object(["agents": .array(agents)]).jsonString)
            return
        }
        let rows = agents.map { agent in
            [
                Console.cell(agent["id"]), Console.cell(agent["state"]), Console.cell(agent["roles"]),
                Console.cell(agent["capabilities"]), Console.cell(agent["executor"]),
                Console.cell(agent["concurrency"]), Console.cell(agent["held"]),
                Console.cell(agent["completed"]), Console.cell(agent["failed"]), Console.cell(agent["last_seen"]),
            ]
        }
        Console.table(
            ["ID", "STATE", "ROLES", "CAPABILITIES", "EXECUTOR", "CONCURRENCY", "HELD", "DONE", "FAILED", "LAST SEEN"],
            rows
        )
    }
}
