/// The bounds a plan must keep. The published schema (docs/schemas/goal-plan.schema.json)
/// states ``standard``; a test holds the two together. A hub may be stricter, never looser
/// than what a model was told.
public struct GoalPlanLimits: Sendable, Hashable {
    /// Most steps in one plan: a goal larger than this should be split into goals.
    public var maxSteps = 30
    public var maxSummaryLength = 2_000
    public var maxTitleLength = 200
    /// A step's prompt, in Unicode scalars (what JSON Schema's `maxLength` counts).
    public var maxPromptLength = 16_000
    public var maxCriteria = 20
    public var maxCriterionLength = 500
    public var maxVerifyCommands = 10
    public var maxVerifyLength = 1_000
    public var maxFiles = 100
    public var maxFileLength = 300

    public init() {}

    public static let standard = GoalPlanLimits()
}
