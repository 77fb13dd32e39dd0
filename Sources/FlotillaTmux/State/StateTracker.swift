/// Turns a pane's successive screens into an observed state over time: idle only after the
/// screen has been quiet for the settle time, `stuck` after no change for the stuck timeout
/// while not idle, and the events each transition raises.
public struct StateTracker: Sendable {
    /// Timing of state detection.
    public struct Configuration: Sendable, Hashable {
        /// Quiet time before an idle-looking screen counts as idle. Default 0.5 s.
        public var settle: Duration
        /// No screen change for this long while not idle (or complete) means stuck. Default 5 minutes.
        public var stuckAfter: Duration

        public init(settle: Duration = .milliseconds(500), stuckAfter: Duration = .seconds(300)) {
            self.settle = settle
            self.stuckAfter = stuckAfter
        }
    }

    public let configuration: Configuration
    /// The current observed state.
    public private(set) var state: ObservedState = .initializing
    /// When the screen last changed.
    public private(set) var lastChange: ContinuousClock.Instant
    private var lastScreen: String?

    public init(configuration: Configuration = Configuration(), now: ContinuousClock.Instant = .now) {
        self.configuration = configuration
        self.lastChange = now
    }

    /// Feeds one screen and its reading; returns the transition, if the state changed.
    /// - Parameter lastOutput: when control mode last saw the pane print, if known.
    public mutating func observe(
        screen: String, reading: ScreenClassifier.Reading, now: ContinuousClock.Instant = .now, lastOutput: ContinuousClock.Instant? = nil
    ) -> (from: ObservedState, to: ObservedState)? {
        if screen != lastScreen {
            lastScreen = screen
            lastChange = now
        }
        if let lastOutput, lastOutput > lastChange, lastOutput <= now { lastChange = lastOutput }
        let quiet = now - lastChange
        var next = state
        switch reading.state {
        case .idle?:
            if quiet >= configuration.settle { next = .idle }
        case let seen?:
            next = seen
        case nil:
            break  // a screen no rule knows: keep what we had
        }
        if next != .idle && next != .complete && quiet >= configuration.stuckAfter { next = .stuck }
        guard next != state else { return nil }
        defer { state = next }
        return (state, next)
    }

    /// When the tracker should look again even if nothing prints: when settling or the stuck
    /// timeout could next change the state.
    public func nextDeadline(now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant {
        let settled = lastChange + configuration.settle
        if settled > now { return settled }
        return lastChange + configuration.stuckAfter
    }
}
