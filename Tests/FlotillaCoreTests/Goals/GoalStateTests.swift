import Testing
@testable import FlotillaCore

@Suite("Goal states")
struct GoalStateTests {
    @Test("the happy path queued → planning → awaiting_approval → executing → verifying → review → done is allowed")
    func happyPath() throws {
        var state = GoalState.queued
        for next: GoalState in [.planning, .awaitingApproval, .executing, .verifying, .review, .done] {
            state = try state.moved(to: next)
        }
        #expect(state == .done)
        // Planning may skip the approval.
        #expect(GoalState.planning.canMove(to: .executing))
    }

    @Test("failed and cancelled from every state that is not final, and nothing out of a final state")
    func finalStates() {
        for state in GoalState.allCases where !state.isFinal {
            #expect(state.canMove(to: .failed), "\(state) → failed")
            #expect(state.canMove(to: .cancelled), "\(state) → cancelled")
        }
        for state: GoalState in [.done, .failed, .cancelled] {
            #expect(state.isFinal)
            #expect(state.successors.isEmpty, "\(state) has successors \(state.successors)")
        }
    }

    @Test("corrective loops are legal: verifying → executing, review → executing, awaiting_approval → planning, executing → planning")
    func correctiveLoops() {
        #expect(GoalState.verifying.canMove(to: .executing))
        #expect(GoalState.review.canMove(to: .executing))
        #expect(GoalState.awaitingApproval.canMove(to: .planning))
        #expect(GoalState.executing.canMove(to: .planning))
    }

    @Test("an illegal move is refused with invalid_state naming both states and what is allowed")
    func illegal() {
        let skip = caught { try GoalState.queued.moved(to: .executing) }
        #expect(skip?.code == .invalidState)
        #expect(skip?.field == "state")
        #expect(skip?.message.contains("from queued to executing") == true)
        #expect(skip?.message.contains("planning, failed, cancelled") == true)
        let final = caught { try GoalState.done.moved(to: .executing) }
        #expect(final?.code == .invalidState)
        #expect(final?.message.contains("it is final") == true)
        #expect(caught { try GoalState.review.moved(to: .review) }?.code == .invalidState, "staying is not a move")
        #expect(caught { try GoalState.verifying.moved(to: .done) }?.code == .invalidState, "done only after review")
    }

    @Test("exactly the documented transitions, and raw values are the API's words")
    func table() {
        let expected: [GoalState: Set<GoalState>] = [
            .queued: [.planning, .failed, .cancelled],
            .planning: [.awaitingApproval, .executing, .failed, .cancelled],
            .awaitingApproval: [.planning, .executing, .failed, .cancelled],
            .executing: [.planning, .verifying, .failed, .cancelled],
            .verifying: [.executing, .review, .failed, .cancelled],
            .review: [.executing, .done, .failed, .cancelled],
            .done: [], .failed: [], .cancelled: [],
        ]
        for state in GoalState.allCases { #expect(Set(state.successors) == expected[state], "\(state)") }
        #expect(GoalState.allCases.map(\.rawValue) == ["queued", "planning", "awaiting_approval", "executing", "verifying", "review", "done", "failed", "cancelled"])
    }

    @Test("only a failed or cancelled goal is retried, back to queued")
    func retry() throws {
        #expect(try GoalState.failed.retryState() == .queued)
        #expect(try GoalState.cancelled.retryState() == .queued)
        #expect(caught { try GoalState.executing.retryState() }?.code == .invalidState)
        #expect(caught { try GoalState.done.retryState() }?.code == .invalidState)
    }
}
