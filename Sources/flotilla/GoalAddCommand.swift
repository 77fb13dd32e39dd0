import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Adds a goal to the backlog.
struct GoalAddCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a goal (one sentence) to the backlog."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The goal, one sentence: \"Add rate limiting to the API\".")
    var title: String

    @Option(help: "The repository the goal works in: a URL or a path.")
    var repo: String

    @Option(help: "Most the goal's tasks may spend together, in US dollars.")
    var budget: Double?

    @Option(help: "0 to 100, higher first (default 50).")
    var priority: Int?

    @Flag(help: "Let a person approve the plan before it runs (an approval request, docs/approvals.md).")
    var approvePlan = false

    @Option(help: ArgumentHelp("A shell command every merge onto the goal branch and the finished branch must pass (repeatable).", valueName: "command"))
    var verify: [String] = []

    func ask(_ hub: HubClient) async throws -> JSONValue {
        try await hub.addGoal(title: title, repo: repo, budgetUSD: budget, priority: priority, approvePlan: approvePlan, verify: verify)
    }

    func show(_ answer: JSONValue) throws { GoalPrinter.line(answer) }
}
