import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Shows and changes the hub's spending limits (`/api/budgets`, docs/costs.md).
struct BudgetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budgets",
        abstract: "Show the hub's budgets and today's spending, or change them live.",
        subcommands: [BudgetsShowCommand.self, BudgetsSetCommand.self],
        defaultSubcommand: BudgetsShowCommand.self
    )
}

/// `flotilla budgets [show]`.
struct BudgetsShowCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the budgets and what was spent against them today (UTC).")

    @OptionGroup var client: ClientOptions

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.budgets() }

    func show(_ answer: JSONValue) throws { Self.print(answer) }

    static func print(_ answer: JSONValue) {
        let spent = answer["spent"] ?? [:]
        let limits = answer["limits"] ?? [:]
        Console.print("day \(answer["day"]?.stringValue ?? "?") (UTC)")
        var rows = [["hub (day)", money(spent["day"]), money(limits["day"])]]
        let roles = Set((limits["roles"]?.objectValue ?? [:]).keys).union((spent["roles"]?.objectValue ?? [:]).keys)
        for role in roles.sorted() {
            rows.append(["role \(role)", money(spent["roles"]?[role]), money(limits["roles"]?[role])])
        }
        Console.table(["BUDGET", "SPENT", "LIMIT"], rows)
        if let held = answer["held"]?.intValue, held > 0 { Console.print("\(held) queued task(s) wait for budget") }
    }

    static func money(_ value: JSONValue?) -> String {
        guard let usd = value?.doubleValue else { return "-" }
        return String(format: "%.4f", usd)
    }
}

/// `flotilla budgets set [--day USD|none] [--role ROLE=USD|none]…`: applies at once, no restart.
struct BudgetsSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change budgets live: queued tasks a raised budget lets go run at once (admin)."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: ArgumentHelp("USD the hub may spend per UTC day, or 'none' to remove the limit.", valueName: "usd|none"))
    var day: String?

    @Option(help: ArgumentHelp("USD one role may spend per UTC day, or ROLE=none to remove it (repeatable).", valueName: "role=usd"))
    var role: [String] = []

    func validate() throws {
        guard day != nil || !role.isEmpty else { throw ValidationError("Give --day and/or --role: nothing to change.") }
        _ = try body()
    }

    /// The `PUT /api/budgets` body. Amounts are checked as the hub's `--budget-day` and
    /// `--budget-role` flags check them (1e999 reads as infinity, which JSON would carry as
    /// null, "remove the limit"), and by the hub again.
    func body() throws -> JSONValue {
        var object: [String: JSONValue] = [:]
        do {
            if let day {
                object["day"] = day == "none" ? .null : .double(try BudgetLimits.amount(Double(day).map(JSONValue.double) ?? .string(day), field: "day"))
            }
            var roles: [String: JSONValue] = [:]
            for text in role {
                if text.hasSuffix("=none"), text.count > 5 {
                    roles[String(text.dropLast(5))] = .null
                    continue
                }
                let (name, usd) = try BudgetLimits.roleLimit(text)
                roles[name] = .double(usd)
            }
            if !roles.isEmpty { object["roles"] = .object(roles) }
        } catch {
            throw ValidationError("--\(error.field == "day" ? "day" : "role"): \(error.message) ('none' removes a limit.)")
        }
        return .object(object)
    }

    func run() async throws {
        let body = try body()
        try await client.call { hub in
            let answer = try await hub.setBudgets(body)
            if client.json { Console.print(answer.jsonString) } else { BudgetsShowCommand.print(answer) }
        }
    }
}
