import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists the agents the hub knows.
struct AgentsListCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List agents with their state, roles and held tasks."
    )

    @OptionGroup var client: ClientOptions

    func ask(_ hub: HubClient) async throws -> JSONValue { .object(["agents": .array(try await hub.agents())]) }

    func show(_ answer: JSONValue) throws {
        var agents: [AgentView] = []
        for agent in answer["agents"]?.arrayValue ?? [] { agents.append(try AgentView(json: agent)) }
        let rows = agents.map { agent in
            let status = agent.status
            let registration = status?.registration
            return [
                agent.id, status?.state.rawValue ?? agent.screen?.state ?? "-", Self.list(registration?.roles),
                Self.list(registration?.capabilities), registration?.executor ?? "-",
                registration.map { String($0.concurrency) } ?? "-", Self.list(status?.held),
                status.map { String($0.completed) } ?? "-", status.map { String($0.failed) } ?? "-",
                status.map { Timestamp.iso8601($0.lastSeen) } ?? "-",
            ]
        }
        Console.table(
            ["ID", "STATE", "ROLES", "CAPABILITIES", "EXECUTOR", "CONCURRENCY", "HELD", "DONE", "FAILED", "LAST SEEN"],
            rows
        )
    }

    /// A list cell: the items joined by commas, `-` for none.
    static func list(_ items: [String]?) -> String {
        guard let items, !items.isEmpty else { return "-" }
        return items.joined(separator: ",")
    }
}
