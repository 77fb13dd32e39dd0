/// A page of workflow runs, newest first (`GET /api/workflow-runs`). `before` is the cursor:
/// the last id of the previous page.
public struct WorkflowRunQuery: Sendable, Hashable {
    /// Only this workflow's runs.
    public var workflow: String?
    /// Only runs in these states (any when empty).
    public var statuses: [WorkflowRunStatus]
    public var before: String?
    public var limit: Int

    public static let defaultLimit = 50
    public static let maxLimit = 200

    public init(workflow: String? = nil, statuses: [WorkflowRunStatus] = [], before: String? = nil, limit: Int = WorkflowRunQuery.defaultLimit) {
        self.workflow = workflow
        self.statuses = statuses
        self.before = before
        self.limit = limit
    }
}
