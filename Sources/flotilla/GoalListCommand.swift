import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists goals, newest first.
struct GoalListCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List goals, newest first.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Only goals in these states (comma-separated), or all.")
    var state: String?

    @Option(help: "Most goals to show (1 to 500; default 100).")
    var limit: Int?

    func ask(_ hub: HubClient) async throws -> JSONValue {
        var query: [String: String] = [:]
        query["state"] = state
        query["limit"] = limit.map(String.init)
        return try await hub.goals(query: query)
    }

    func show(_ answer: JSONValue) throws { GoalPrinter.table(answer["goals"]?.arrayValue ?? []) }
}
