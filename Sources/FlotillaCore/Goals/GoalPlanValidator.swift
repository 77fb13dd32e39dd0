/// Checks a plan's JSON against the published schema (docs/schemas/goal-plan.schema.json: the
/// same fields, enums, patterns and bounds, held together by a test) and against what a schema
/// cannot say: ids unique, `needs` naming steps that exist, no cycle, roles the fleet knows.
/// Every issue is reported at once, in document order (step by step, fields in schema order,
/// cycles last), so a corrective prompt can quote them all.
public struct GoalPlanValidator: Sendable {
    /// Roles a step may ask for; nil: any well-formed role.
    public var roles: Set<String>?
    public var limits: GoalPlanLimits

    public init(roles: Set<String>? = nil, limits: GoalPlanLimits = .standard) {
        self.roles = roles
        self.limits = limits
    }

    // The schema's vocabulary (the test reads the schema file and compares).
    public static let planFields = ["summary", "verify", "steps"]
    public static let requiredPlanFields = ["steps"]
    public static let stepFields = ["id", "title", "prompt", "success_criteria", "verify", "role", "complexity", "needs", "files"]
    public static let requiredStepFields = ["id", "title", "prompt", "success_criteria"]
    /// A step id is a workflow step id, so the plan becomes a workflow as it is.
    public static let idPattern = "^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
    /// A task's role (TaskSpec's rule for names).
    public static let rolePattern = "^[A-Za-z0-9._:/-]{1,64}$"
    /// Text holding something other than spaces (JSON Schema's `pattern` searches, unanchored).
    public static let textPattern = #"\S"#
    /// One line holding something other than spaces.
    public static let linePattern = #"^[^\r\n]*\S[^\r\n]*$"#
    /// Relative to the repository: no leading `/`, no `..` component, one line.
    public static let filePattern = #"^(?!/)(?!(?:.*/)?\.\.(?:/|$))[^\r\n]+$"#

    /// The plan, or every issue with it.
    public func validate(_ json: JSONValue) throws(GoalPlanRejection) -> GoalPlan {
        var reader = PlanReader(validator: self)
        let plan = reader.read(json)
        guard reader.issues.isEmpty, let plan else { throw GoalPlanRejection(issues: reader.issues) }
        return plan
    }

    /// Every issue with the plan; empty when it is valid.
    public func issues(in json: JSONValue) -> [PlanIssue] {
        var reader = PlanReader(validator: self)
        _ = reader.read(json)
        return reader.issues
    }
}

/// The compiled patterns. `Regex` is not Sendable, but these are built once from constants,
/// never mutated, and matching does not change a compiled regex.
struct PlanPatterns: @unchecked Sendable {
    let id = try! Regex(GoalPlanValidator.idPattern)
    let role = try! Regex(GoalPlanValidator.rolePattern)
    let line = try! Regex(GoalPlanValidator.linePattern)
    let file = try! Regex(GoalPlanValidator.filePattern)

    static let shared = PlanPatterns()

    static func matches(_ regex: Regex<AnyRegexOutput>, _ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
