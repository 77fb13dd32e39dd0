import FlotillaCore

/// What an expression reads: the named values (`inputs`, `steps`, `trigger`, `matrix`, `run`)
/// and the state the status functions report.
public struct ExpressionContext: Sendable, Hashable {
    /// The names an expression may start with; any other is refused when it is parsed.
    public static let names: Set<String> = ["inputs", "steps", "trigger", "matrix", "run"]

    public var values: [String: JSONValue]
    /// What `success()`, `failure()` and `cancelled()` return (`always()` is always true).
    public var status: Status

    /// The status functions' answers for the step whose condition is evaluated.
    public struct Status: Sendable, Hashable {
        /// Every step this one depends on (transitively) ended successfully.
        public var success: Bool
        /// A step this one depends on (transitively) failed.
        public var failure: Bool
        /// The run was cancelled.
        public var cancelled: Bool

        public init(success: Bool = true, failure: Bool = false, cancelled: Bool = false) {
            self.success = success
            self.failure = failure
            self.cancelled = cancelled
        }
    }

    public init(_ values: [String: JSONValue] = [:], status: Status = Status()) {
        self.values = values
        self.status = status
    }
}
