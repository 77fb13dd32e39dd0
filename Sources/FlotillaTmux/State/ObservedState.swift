/// What an interactive agent in a pane appears to be doing, read off its screen.
public enum ObservedState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Starting up: no input box yet.
    case initializing
    /// Reading files or context.
    case reading
    /// Busy with no more specific signal (spinner, "esc to interrupt").
    case thinking
    /// Running a tool or editing.
    case working
    /// Running tests.
    case testing
    /// Asking the user something (an approval prompt): it will not go on by itself.
    case waitingInput = "waiting_input"
    /// Ready for the next prompt: input box shown, screen quiet for the settle time.
    case idle
    /// Not idle, yet the screen has not changed for the stuck timeout.
    case stuck
    /// Shows an error banner.
    case error
    /// Says its task is done.
    case complete

    /// States in which the agent is working and must not be typed into.
    public var isBusy: Bool {
        switch self {
        case .reading, .thinking, .working, .testing, .initializing: true
        default: false
        }
    }
}
