@testable import FlotillaCore

/// A valid step as JSON, with fields to override (nil removes one).
func planStep(_ id: String, _ overrides: [String: JSONValue?] = [:]) -> JSONValue {
    var object: [String: JSONValue] = [
        "id": .string(id),
        "title": .string("Do \(id)"),
        "prompt": .string("Implement \(id)."),
        "success_criteria": ["it works"],
    ]
    for (key, value) in overrides { object[key] = value }
    return .object(object)
}

func plan(_ steps: JSONValue...) -> JSONValue { ["steps": .array(steps)] }

/// Every issue with `json`, with the fleet's roles `roles` (nil: any role).
func planIssues(_ json: JSONValue, roles: Set<String>? = nil) -> [PlanIssue] {
    GoalPlanValidator(roles: roles).issues(in: json)
}
