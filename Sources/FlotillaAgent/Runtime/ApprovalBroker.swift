public import FlotillaCore

/// What a person (or the hub's rules, or its timeout policy) answered to an ``ApprovalQuestion``.
public struct ApprovalAnswer: Sendable, Hashable {
    public var allowed: Bool
    /// Why, when denied (a person's reason, the rule, "no answer in 600 s", "no hub connection").
    public var reason: String?
    /// The ``ApprovalChoice/key`` picked, when the question had choices.
    public var choice: String?
    /// The hub's id for the request (nil when it never reached the hub).
    public var approvalID: String?

    public init(allowed: Bool, reason: String? = nil, choice: String? = nil, approvalID: String? = nil) {
        self.allowed = allowed
        self.reason = reason
        self.choice = choice
        self.approvalID = approvalID
    }

    /// A denial that never reached a person.
    public static func denied(_ reason: String) -> ApprovalAnswer { ApprovalAnswer(allowed: false, reason: reason) }
}

/// How an executor asks a person (or the hub's rules) and waits. One per agent runtime.
///
/// `ask` never throws: it answers deny with a reason when there is no hub connection for 30 s
/// or the attempt is stopped.
public protocol ApprovalAsking: Sendable {
    func ask(_ q: ApprovalQuestion) async -> ApprovalAnswer
}
