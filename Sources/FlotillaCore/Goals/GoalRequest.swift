import Foundation

/// What `POST /api/goals` asks for, read and checked (pure): the sentence, the repository, the
/// budget, the priority, whether the plan waits for a person and the goal's verify commands.
public struct GoalRequest: Sendable, Hashable {
    public var title: String
    public var repo: String
    public var budgetUSD: Double?
    public var priority: Int
    public var approvePlan: Bool
    /// Commands every merge and the finished goal branch must pass (`goal add --verify`).
    public var verify: [String]

    public static let fields = ["title", "repo", "budget_usd", "priority", "approve_plan", "verify"]
    public static let maxTitle = 2_000
    public static let maxRepo = 4_096

    public init(title: String, repo: String, budgetUSD: Double? = nil, priority: Int = GoalRecord.defaultPriority, approvePlan: Bool = false, verify: [String] = []) {
        self.verify = verify
        self.title = title
        self.repo = repo
        self.budgetUSD = budgetUSD
        self.priority = priority
        self.approvePlan = approvePlan
    }

    /// Reads `{"title","repo","budget_usd"?,"priority"?,"approve_plan"?,"verify"?}`; anything wrong is a
    /// `missing_field` / `unknown_field` / `invalid_field` error naming the field.
    public init(json body: JSONValue) throws(FlotillaError) {
        guard let object = body.objectValue else {
            throw FlotillaError(.invalidField, "The body must be a JSON object with title and repo, got \(body.typeName).", field: "body")
        }
        for key in object.keys.sorted() where !Self.fields.contains(key) {
            throw FlotillaError(.unknownField, "Unknown field '\(key)'; a goal has \(Self.fields.joined(separator: ", ")).", field: key)
        }
        let title = try Self.text(object, "title", limit: Self.maxTitle)
        guard !title.contains(where: \.isNewline) else {
            throw FlotillaError(.invalidField, "'title' is one sentence on one line.", field: "title")
        }
        let repo = try Self.text(object, "repo", limit: Self.maxRepo)
        var budget: Double?
        if let value = object["budget_usd"], !value.isNull {
            guard let amount = value.doubleValue, amount.isFinite, amount > 0, amount <= 1_000_000 else {
                throw FlotillaError(.invalidField, "'budget_usd' must be a number of US dollars above 0 and at most 1000000, got \(value.jsonString).", field: "budget_usd")
            }
            budget = amount
        }
        var priority = GoalRecord.defaultPriority
        if let value = object["priority"], !value.isNull {
            guard let number = value.intValue, GoalRecord.priorities.contains(Int(number)) else {
                throw FlotillaError(.invalidField, "'priority' must be a whole number from 0 to 100 (higher first), got \(value.jsonString).", field: "priority")
            }
            priority = Int(number)
        }
        var approve = false
        if let value = object["approve_plan"], !value.isNull {
            guard let flag = value.boolValue else {
                throw FlotillaError(.invalidField, "'approve_plan' must be true or false, got \(value.jsonString).", field: "approve_plan")
            }
            approve = flag
        }
        var verify: [String] = []
        if let value = object["verify"], !value.isNull {
            verify = try Self.commands(value)
        }
        self.init(title: title, repo: repo, budgetUSD: budget, priority: priority, approvePlan: approve, verify: verify)
    }

    /// The goal's verify commands: a list of at most the plan's number of one-line commands,
    /// each once (the plan's own bounds, GoalPlanLimits).
    private static func commands(_ value: JSONValue) throws(FlotillaError) -> [String] {
        let limits = GoalPlanLimits.standard
        guard let items = value.arrayValue else {
            throw FlotillaError(.invalidField, "'verify' must be a list of shell commands, got \(value.typeName).", field: "verify")
        }
        guard items.count <= limits.maxVerifyCommands else {
            throw FlotillaError(.invalidField, "'verify' has \(items.count) commands; a goal may have at most \(limits.maxVerifyCommands).", field: "verify")
        }
        var out: [String] = []
        for (index, item) in items.enumerated() {
            guard let command = item.stringValue, !command.allSatisfy(\.isWhitespace), !command.contains(where: \.isNewline), command.unicodeScalars.count <= limits.maxVerifyLength else {
                throw FlotillaError(.invalidField, "'verify[\(index)]' must be one non-blank line of at most \(limits.maxVerifyLength) characters (join commands with &&).", field: "verify[\(index)]")
            }
            guard !out.contains(command) else {
                throw FlotillaError(.invalidField, "'verify[\(index)]' repeats '\(command.prefix(80))'.", field: "verify[\(index)]")
            }
            out.append(command)
        }
        return out
    }

    private static func text(_ object: [String: JSONValue], _ field: String, limit: Int) throws(FlotillaError) -> String {
        guard let value = object[field], !value.isNull else {
            throw FlotillaError(.missingField, "'\(field)' is required.", field: field)
        }
        guard let text = value.stringValue else {
            throw FlotillaError(.invalidField, "'\(field)' must be text, got \(value.typeName).", field: field)
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= limit else {
            throw FlotillaError(.invalidField, "'\(field)' must be 1 to \(limit) characters.", field: field)
        }
        return trimmed
    }
}
