import ArgumentParser
import FlotillaCore
import Foundation

/// Groups the goal commands: the backlog of sentences Flotilla carries to pull requests
/// (docs/goals.md).
struct GoalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goal",
        abstract: "Add, list, show, cancel, retry goals and set their budgets (a sentence carried to a pull request, docs/goals.md).",
        discussion: "Exit codes: 0 success; 1 a hub or connection error, or a request the hub refused (its code is printed).",
        subcommands: [GoalAddCommand.self, GoalListCommand.self, GoalShowCommand.self, GoalCancelCommand.self, GoalRetryCommand.self, GoalBudgetCommand.self]
    )
}

/// How the goal commands print goals for a person.
enum GoalPrinter {
    static func table(_ goals: [JSONValue]) {
        Console.table(["ID", "STATE", "PRIORITY", "COST", "BUDGET", "TITLE"], goals.map { goal in
            [
                Console.cell(goal["id"]), Console.cell(goal["state"]), Console.cell(goal["priority"]),
                money(goal["cost"]?["usd"]), money(goal["budget_usd"]), Console.cell(goal["title"]),
            ]
        })
    }

    static func line(_ goal: JSONValue) {
        Console.print("\(Console.cell(goal["id"])) \(Console.cell(goal["state"])) \(Console.cell(goal["title"]))")
    }

    static func money(_ value: JSONValue?) -> String {
        guard let amount = value?.doubleValue else { return "-" }
        return "$" + String(format: "%.4f", amount)
    }
}
