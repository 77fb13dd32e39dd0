/// One thing wrong with a goal's plan, at its place in the plan's JSON: `steps[2].needs[0]`
/// (the root is the empty path). The validator returns all of them at once, in a stable order,
/// so one corrective prompt can quote every error.
public struct PlanIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `steps[2].needs[0]: names 'x', which is not a step`, or the message alone for the root.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// `{"path": …, "message": …}`, as the API and events show it.
    public var json: JSONValue { ["path": .string(path), "message": .string(message)] }
}

/// A plan refused: every issue found, in the order ``GoalPlanValidator`` reports them.
public struct GoalPlanRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [PlanIssue]

    public init(issues: [PlanIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
