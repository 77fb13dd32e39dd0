/// Where an executor reports what a run costs while it runs, one model call at a time, so the
/// hub's cost ledger sees a long attempt's spending before it ends (and can stop it when it
/// passes its task's budget). Executors call ``add(_:)`` with each call's own tokens and money
/// (a delta, never a running total); the final ``ExecutionOutcome/cost`` still carries the sum.
public struct UsageMeter: Sendable {
    private let report: @Sendable (Cost) -> Void

    public init(report: @escaping @Sendable (Cost) -> Void) {
        self.report = report
    }

    public func add(_ cost: Cost) { report(cost) }
}

/// Where an attempt's spending goes while it runs: each model call's cost and the executor
/// that spent it (the agent runtime sends it to the hub as a `usage` message).
public typealias SpendingSink = @Sendable (_ cost: Cost, _ executor: String) -> Void
