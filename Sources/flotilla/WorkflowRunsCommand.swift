import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Lists workflow runs, newest first: of one workflow, or of all.
struct WorkflowRunsCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List workflow runs (newest first), of one workflow or of all.",
        discussion: "Prints 'next: --before ID' when the page is full, to list the older runs."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "Only this workflow's runs.")
    var name: String?

    @Option(help: "Only runs in this status: running, succeeded, failed or cancelled.")
    var status: String?

    @Option(help: "Most runs to show (1 to 200; default 50).")
    var limit: Int?

    @Option(help: ArgumentHelp("Only runs older than this run id (the next page).", valueName: "run-id"))
    var before: String?

    func ask(_ hub: HubClient) async throws -> JSONValue {
        var query: [String: String] = [:]
        query["status"] = status
        query["limit"] = limit.map(String.init)
        query["before"] = before
        return try await hub.workflowRuns(workflow: name, query: query)
    }

    func show(_ answer: JSONValue) throws {
        let runs = answer["runs"]?.arrayValue ?? []
        WorkflowPrinter.runsTable(runs)
        if runs.count == (limit ?? 50), let last = runs.last?["id"]?.stringValue {
            Console.print("next: --before \(last)")
        }
    }
}
