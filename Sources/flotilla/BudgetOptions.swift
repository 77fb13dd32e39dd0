import ArgumentParser
import FlotillaCore

/// `flotilla hub`'s spending limits at start (docs/costs.md); `flotilla budgets set` and
/// `PUT /api/budgets` change them live.
struct BudgetOptions: ParsableArguments {
    @Option(name: .customLong("budget-day"), help: ArgumentHelp("USD the whole hub may spend per UTC day; queued tasks wait (waiting_reason: budget) once it is spent.", valueName: "usd"))
    var day: Double?

    @Option(name: .customLong("budget-role"), help: ArgumentHelp("USD one role may spend per UTC day (repeatable).", valueName: "role=usd"))
    var roles: [String] = []

    func validate() throws {
        _ = try limits()
    }

    func limits() throws -> BudgetLimits {
        var limits = BudgetLimits()
        do {
            if let day { limits.day = try BudgetLimits.amount(.double(day), field: "budget-day") }
            for text in roles {
                let (role, usd) = try BudgetLimits.roleLimit(text)
                limits.roles[role] = usd
            }
        } catch {
            throw ValidationError("--\(error.field ?? "budget"): \(error.message)")
        }
        return limits
    }
}
