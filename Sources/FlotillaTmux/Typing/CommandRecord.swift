/// One command typed (or refused) into an agent's pane: the audit trail's unit.
public struct CommandRecord: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case sent
        case failed
    }

    public var id: Int
    public var agent: String
    public var pane: String
    public var text: String
    public var forced: Bool
    public var outcome: Outcome
    /// How it was typed (`literal` or `paste`) when it was.
    public var method: SafeTyper.Method?
    public var attempts: Int
    public var enterPresses: Int
    /// The ``TmuxError`` code of the last failure, when it failed.
    public var errorCode: String?
    public var errorMessage: String?
    /// Seconds since 1970.
    public var queuedAt: Double
    public var finishedAt: Double

    public init(
        id: Int, agent: String, pane: String, text: String, forced: Bool, outcome: Outcome, method: SafeTyper.Method?,
        attempts: Int, enterPresses: Int, errorCode: String?, errorMessage: String?, queuedAt: Double, finishedAt: Double
    ) {
        self.id = id
        self.agent = agent
        self.pane = pane
        self.text = text
        self.forced = forced
        self.outcome = outcome
        self.method = method
        self.attempts = attempts
        self.enterPresses = enterPresses
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.queuedAt = queuedAt
        self.finishedAt = finishedAt
    }
}
