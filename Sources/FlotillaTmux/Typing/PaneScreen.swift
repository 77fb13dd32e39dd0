/// Reads a pane's screen and waits for it to change: over a control-mode connection when one
/// is given (woken by `%output`), else by capturing with the tmux CLI every poll interval.
public struct PaneScreen: Sendable {
    public let tmux: Tmux
    public let control: ControlModeClient?
    let pollInterval: Duration

    public init(tmux: Tmux, control: ControlModeClient? = nil, pollInterval: Duration = .milliseconds(250)) {
        self.tmux = tmux
        self.control = control
        self.pollInterval = control == nil ? min(pollInterval, .milliseconds(30)) : pollInterval
    }

    /// The visible screen of `pane`.
    public func capture(_ pane: String) async throws -> String {
        if let control { return try await control.capture(pane) }
        return try await tmux.capture(pane)
    }

    /// A counter that moves whenever `pane` prints (always 0 without a control connection).
    public func generation(_ pane: String) -> UInt64 {
        control?.activity.generation(of: pane) ?? 0
    }

    /// When `pane` last printed, when known.
    public func lastOutput(_ pane: String) -> ContinuousClock.Instant? {
        control?.activity.lastOutput(of: pane)
    }

    /// Waits until `pane` prints after `generation`, or `limit` (capped at the poll interval) passes.
    public func waitForChange(_ pane: String, after generation: UInt64, limit: Duration) async {
        let wait = max(.milliseconds(1), min(limit, pollInterval))
        if let control {
            await control.activity.waitForOutput(pane: pane, after: generation, timeout: wait)
        } else {
            try? await Task.sleep(for: wait)
        }
    }

    /// Re-reads `pane` until `predicate` holds for the classified screen or `timeout` passes;
    /// returns the last reading and whether the predicate held.
    public func wait(
        _ pane: String,
        classifier: ScreenClassifier,
        timeout: Duration,
        until predicate: (ScreenClassifier.Reading, String) -> Bool
    ) async throws -> (reading: ScreenClassifier.Reading, matched: Bool) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let generation = self.generation(pane)
            let screen = try await capture(pane)
            let reading = classifier.classify(screen)
            if predicate(reading, screen) { return (reading, true) }
            let now = ContinuousClock.now
            if now >= deadline { return (reading, false) }
            try Task.checkCancellation()
            await waitForChange(pane, after: generation, limit: deadline - now)
        }
    }
}
