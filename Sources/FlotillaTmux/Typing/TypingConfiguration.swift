/// How ``SafeTyper`` and ``CommandQueue`` type into panes.
public struct TypingConfiguration: Sendable, Hashable {
    /// Single-line text up to this many UTF-8 bytes is typed with `send-keys -l`; anything
    /// longer or with a newline goes through a named buffer and bracketed paste. Default 200.
    public var literalLimit: Int
    /// The screen must be quiet this long before an idle-looking agent counts as idle. Default 0.5 s.
    public var settle: Duration
    /// How long a command waits in the queue for the agent to become idle. Default 10 minutes.
    public var readyTimeout: Duration
    /// How long typed text may take to show up in the input box. Default 3 s.
    public var arrivalTimeout: Duration
    /// How long to wait after Enter for the input box to empty before pressing Enter again. Default 0.75 s.
    public var submitGrace: Duration
    /// Enter presses before giving up on one attempt. Default 3.
    public var maxEnterPresses: Int
    /// Retries of a failed command after the first attempt. Default 3.
    public var retries: Int
    /// Backoff before the first retry, doubled for each next one. Default 0.2 s.
    public var retryBackoff: Duration
    /// Commands per second per pane. Default 10.
    public var ratePerPane: Double
    /// How often the screen is re-read when no control-mode output wakes the waiter. Default 0.25 s.
    public var pollInterval: Duration

    public init(
        literalLimit: Int = 200,
        settle: Duration = .milliseconds(500),
        readyTimeout: Duration = .seconds(600),
        arrivalTimeout: Duration = .seconds(3),
        submitGrace: Duration = .milliseconds(750),
        maxEnterPresses: Int = 3,
        retries: Int = 3,
        retryBackoff: Duration = .milliseconds(200),
        ratePerPane: Double = 10,
        pollInterval: Duration = .milliseconds(250)
    ) {
        self.literalLimit = literalLimit
        self.settle = settle
        self.readyTimeout = readyTimeout
        self.arrivalTimeout = arrivalTimeout
        self.submitGrace = submitGrace
        self.maxEnterPresses = maxEnterPresses
        self.retries = retries
        self.retryBackoff = retryBackoff
        self.ratePerPane = ratePerPane
        self.pollInterval = pollInterval
    }
}
