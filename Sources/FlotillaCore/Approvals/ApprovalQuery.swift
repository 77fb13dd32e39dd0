/// Which approval requests to list (`GET /api/approvals`, `flotilla approvals list`): newest
/// first.
public struct ApprovalQuery: Sendable, Hashable {
    /// nil: every state.
    public var state: ApprovalState?
    public var agentID: String?
    public var taskID: String?
    public var limit: Int

    public static let limitRange = 1...500
    public static let defaultLimit = 100

    public init(state: ApprovalState? = .pending, agentID: String? = nil, taskID: String? = nil, limit: Int = ApprovalQuery.defaultLimit) {
        self.state = state
        self.agentID = agentID
        self.taskID = taskID
        self.limit = limit
    }

    /// Reads `state=pending|allowed|denied|all` (default pending), `agent`, `task_id` and
    /// `limit` (1…500); bad ones are refused by name.
    public init(parameters: [String: String]) throws(FlotillaError) {
        var query = ApprovalQuery()
        if let raw = parameters["state"] {
            if raw == "all" {
                query.state = nil
            } else {
                guard let state = ApprovalState(rawValue: raw) else {
                    throw FlotillaError(.invalidField, "'state' must be one of pending, allowed, denied, all; got '\(raw)'.", field: "state")
                }
                query.state = state
            }
        }
        if let raw = parameters["limit"] {
            guard let limit = Int(raw), Self.limitRange.contains(limit) else {
                throw FlotillaError(.invalidField, "'limit' must be a whole number from \(Self.limitRange.lowerBound) to \(Self.limitRange.upperBound), got '\(raw)'.", field: "limit")
            }
            query.limit = limit
        }
        query.agentID = parameters["agent"].flatMap { $0.isEmpty ? nil : $0 }
        query.taskID = parameters["task_id"].flatMap { $0.isEmpty ? nil : $0 }
        self = query
    }

    /// Whether `record` is one this query lists (apart from the limit).
    public func matches(_ record: ApprovalRecord) -> Bool {
        (state == nil || record.state == state) && (agentID == nil || record.agentID == agentID)
            && (taskID == nil || record.question.taskID == taskID)
    }
}
