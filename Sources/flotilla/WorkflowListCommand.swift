import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists the registered workflows with their triggers and last runs.
struct WorkflowListCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List registered workflows with their triggers and last run."
    )

    @OptionGroup var client: ClientOptions

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.workflows() }

    func show(_ answer: JSONValue) throws {
        let rows = (answer["workflows"]?.arrayValue ?? []).map { workflow in
            let triggers = (workflow["triggers"]?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
            let last = workflow["last_run"]
            return [
                Console.cell(workflow["name"]), Console.cell(workflow["version"]), String(workflow["steps"]?.arrayValue?.count ?? 0),
                triggers.isEmpty ? "manual" : triggers.joined(separator: ","),
                last.map { $0.isNull ? "-" : "\(Console.cell($0["status"])) \(Console.cell($0["created_at"]))" } ?? "-",
                Console.cell(workflow["runs"]?["running"]),
            ]
        }
        Console.table(["NAME", "VERSION", "STEPS", "TRIGGERS", "LAST RUN", "RUNNING"], rows)
    }
}
