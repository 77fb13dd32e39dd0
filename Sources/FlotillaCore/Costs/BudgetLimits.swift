/// The hub's spending limits in USD: for the whole hub per UTC day, and per role per UTC day.
/// (A task's own limit is its spec's `budget`, ``TaskSpec/budgetUSD``.) Set by `flotilla hub
/// --budget-day` / `--budget-role`, changed live by `PUT /api/budgets`.
public struct BudgetLimits: Sendable, Hashable {
    /// The whole hub, per UTC day; nil: no limit.
    public var day: Double?
    /// Per role, per UTC day.
    public var roles: [String: Double]

    public init(day: Double? = nil, roles: [String: Double] = [:]) {
        self.day = day
        self.roles = roles
    }

    public var isEmpty: Bool { day == nil && roles.isEmpty }

    /// `{"day": USD|null, "roles": {"ROLE": USD}}`.
    public var json: JSONValue {
        [
            "day": day.map { .double(Usage.rounded($0)) } ?? .null,
            "roles": .object(roles.mapValues { .double(Usage.rounded($0)) }),
        ]
    }

    /// Checks one amount: a finite number of dollars, 0 or more.
    public static func amount(_ value: JSONValue, field: String) throws(FlotillaError) -> Double {
        guard let usd = value.doubleValue else {
            throw FlotillaError(.invalidField, "'\(field)' must be a number of US dollars, got \(value.typeName).", field: field)
        }
        guard usd.isFinite else {
            throw FlotillaError(.invalidField, "'\(field)' must be a finite number of US dollars, got \(usd).", field: field)
        }
        guard usd >= 0 else {
            throw FlotillaError(.invalidField, "'\(field)' must be 0 or more dollars, got \(usd).", field: field)
        }
        return usd
    }

    /// Applies a `PUT /api/budgets` body to these limits: `day` (a number, or null to remove
    /// it) and `roles` (an object of role → number, or null to remove that role's limit);
    /// members left out stay as they are. Anything else is refused and changes nothing.
    public func applying(_ body: JSONValue) throws(FlotillaError) -> BudgetLimits {
        guard let object = body.objectValue else {
            throw FlotillaError(.invalidField, "The body must be an object like {\"day\": 5, \"roles\": {\"coder\": 2}}.")
        }
        var out = self
        for key in object.keys.sorted() where key != "day" && key != "roles" {
            throw FlotillaError(.unknownField, "Unknown member '\(key)'; a budget body has 'day' and 'roles'.", field: key)
        }
        if let day = object["day"] {
            out.day = day.isNull ? nil : try Self.amount(day, field: "day")
        }
        if let roles = object["roles"] {
            guard let entries = roles.objectValue else {
                throw FlotillaError(.invalidField, "'roles' must be an object of role → US dollars, got \(roles.typeName).", field: "roles")
            }
            for (role, value) in entries.sorted(by: { $0.key < $1.key }) {
                guard !role.isEmpty else { throw FlotillaError(.invalidField, "A role name may not be empty.", field: "roles") }
                out.roles[role] = value.isNull ? nil : try Self.amount(value, field: "roles.\(role)")
            }
        }
        return out
    }

    /// Reads `ROLE=USD` (the `--budget-role` flag).
    public static func roleLimit(_ text: String) throws(FlotillaError) -> (role: String, usd: Double) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let usd = Double(parts[1]) else {
            throw FlotillaError(.invalidField, "A role budget is ROLE=USD (e.g. coder=2.50), got '\(text)'.", field: "budget-role")
        }
        return (parts[0], try amount(.double(usd), field: "budget-role"))
    }
}

extension TaskSpec {
    /// The task's own limit in USD: its `budget` as a number, or its `budget.usd`.
    public var budgetUSD: Double? {
        guard let budget else { return nil }
        return budget.doubleValue ?? budget["usd"]?.doubleValue
    }

    /// Checks `budget`: a number of USD 0 or more, or an object whose `usd` is one.
    static func checkedBudget(_ budget: JSONValue?) throws(FlotillaError) -> JSONValue? {
        guard let budget, !budget.isNull else { return budget }
        let field = TaskSpec.Field.budget.rawValue
        if budget.objectValue != nil {
            if let usd = budget["usd"] { _ = try BudgetLimits.amount(usd, field: field + ".usd") }
        } else {
            guard budget.doubleValue != nil else {
                throw FlotillaError(.invalidField, "'budget' must be a number of US dollars (or {\"usd\": n}), got \(budget.typeName).", field: field)
            }
            _ = try BudgetLimits.amount(budget, field: field)
        }
        return budget
    }
}
