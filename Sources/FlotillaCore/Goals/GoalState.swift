/// Where a goal is on its way from a sentence to a reviewed pull request (issue 25,
/// docs/goals.md): `queued → planning → (awaiting_approval) → executing → verifying → review →
/// done`, or `failed` / `cancelled` from any state that is not final.
public enum GoalState: String, Sendable, Hashable, Codable, CaseIterable {
    /// In the backlog, waiting for its turn.
    case queued
    /// A `goal.plan` task is writing (or re-writing, after a corrective prompt) the plan.
    case planning
    /// The plan waits for a person (`--approve-plan`, or the policy for large plans).
    case awaitingApproval = "awaiting_approval"
    /// The plan's steps run and their commits go through the merge queue.
    case executing
    /// The goal's verify commands run on the goal branch.
    case verifying
    /// Risk tier and secret scan are done; the pull request is open or being opened.
    case review
    case done
    case failed
    case cancelled

    /// Whether nothing follows: `done`, `failed`, `cancelled` (a retry makes a new attempt of
    /// the goal through ``retryState``, not a transition).
    public var isFinal: Bool {
        switch self {
        case .done, .failed, .cancelled: true
        default: false
        }
    }

    /// The states a goal in this one may move to. Besides the happy path:
    /// - `awaiting_approval → planning`: the person rejected the plan with a reason, re-plan;
    /// - `verifying → executing`: verification failed, corrective or fix steps run;
    /// - `review → executing`: review asked for changes (a fix step) before publication;
    /// - `executing → planning`: the plan cannot go on as written (a re-plan);
    /// - `failed` and `cancelled` from every state that is not final.
    public var successors: [GoalState] {
        let next: [GoalState] = switch self {
        case .queued: [.planning]
        case .planning: [.awaitingApproval, .executing]
        case .awaitingApproval: [.planning, .executing]
        case .executing: [.planning, .verifying]
        case .verifying: [.executing, .review]
        case .review: [.executing, .done]
        case .done, .failed, .cancelled: []
        }
        return isFinal ? next : next + [.failed, .cancelled]
    }

    /// Whether a goal in this state may move to `next`. Staying in the same state is not a
    /// transition (no event would say anything).
    public func canMove(to next: GoalState) -> Bool { successors.contains(next) }

    /// `next` if the move is allowed; otherwise an `invalid_state` error naming both states and
    /// what this state may move to, and nothing changes.
    public func moved(to next: GoalState) throws(FlotillaError) -> GoalState {
        guard canMove(to: next) else {
            let allowed = successors.map(\.rawValue)
            let options = allowed.isEmpty ? "it is final" : "it may move to \(allowed.joined(separator: ", "))"
            throw FlotillaError(.invalidState, "A goal cannot move from \(rawValue) to \(next.rawValue): \(options).", field: "state")
        }
        return next
    }

    /// The state a retried goal starts again in: a failed or cancelled goal goes back to the
    /// backlog; any other state cannot be retried.
    public func retryState() throws(FlotillaError) -> GoalState {
        guard self == .failed || self == .cancelled else {
            throw FlotillaError(.invalidState, "Only a failed or cancelled goal can be retried; this one is \(rawValue).", field: "state")
        }
        return .queued
    }
}
