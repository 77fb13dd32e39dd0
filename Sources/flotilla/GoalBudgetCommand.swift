import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Sets a goal's budget: its tasks held because the goal spent its budget go out again.
struct GoalBudgetCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Set (raise) a goal's budget in US dollars; its tasks waiting for budget go out again."
    )

    @OptionGroup var client: ClientOptions

    @Argument(help: "The goal's id.")
    var id: String

    @Argument(help: "The goal's new budget in US dollars (above 0).")
    var usd: String

    func ask(_ hub: HubClient) async throws -> JSONValue {
        // Sent as written when it is not a number: the hub refuses it with its own code.
        let amount: JSONValue = Double(usd).map(JSONValue.double) ?? .string(usd)
        return try await hub.setGoalBudget(id: id, budgetUSD: amount)
    }

    func show(_ answer: JSONValue) throws {
        Console.print("\(Console.cell(answer["id"])) budget \(GoalPrinter.money(answer["budget_usd"])) spent \(GoalPrinter.money(answer["cost"]?["usd"])) \(Console.cell(answer["title"]))")
    }
}
