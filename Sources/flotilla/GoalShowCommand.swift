import ArgumentParser
import FlotillaClient
import FlotillaCore

/// Shows one goal: its state, plan, run, reasons and cost.
struct GoalShowCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one goal.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The goal's id.")
    var id: String

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.goal(id: id) }

    func show(_ answer: JSONValue) throws {
        for key in ["id", "title", "state", "repo", "branch", "priority", "run_id", "plan_attempts", "pr_url"] {
            Console.print("\(key): \(Console.cell(answer[key]))")
        }
        Console.print("cost: \(GoalPrinter.money(answer["cost"]?["usd"])) of \(GoalPrinter.money(answer["budget_usd"]))")
        for reason in answer["reasons"]?.arrayValue ?? [] { Console.print("reason: \(Console.cell(reason))") }
        if let steps = answer["plan"]?["steps"]?.arrayValue {
            for step in steps { Console.print("step \(Console.cell(step["id"])): \(Console.cell(step["title"]))") }
        }
    }
}
