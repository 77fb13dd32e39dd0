public import FlotillaTmux

/// How a hub watches the fleet's interactive agents in tmux (`flotilla hub --watch-panes`).
/// Every default is what the flag gives without further options.
public struct WatchConfiguration: Sendable {
    /// The tmux socket the fleet runs on. Default `-L flotilla` (or env `FLOTILLA_TMUX_SOCKET`).
    public var tmux: TmuxConfiguration
    /// How often the socket is scanned for fleet panes that appeared or went away. Default 1 s.
    public var discoveryInterval: Duration
    /// Settle time and stuck timeout of state detection. Default 0.5 s and 5 minutes.
    public var tracking: StateTracker.Configuration
    /// How commands are typed: waiting for idle, retries, rate limit. Default: the library's.
    public var typing: TypingConfiguration
    /// Largest command body accepted, in bytes (larger: 413). Default 64 KiB: a prompt, not a file.
    public var maxCommandBytes: Int
    /// The command audit trail (JSON lines); nil puts it at `<data-dir>/commands.jsonl`.
    public var auditPath: String?
    /// tmux sessions Flotilla did not start to adopt and watch too (`--watch-session NAME`):
    /// each scan marks their panes (see `Tmux.adopt(session:kind:)`), so a session that
    /// appears later is picked up as well. Default none.
    public var adoptSessions: [String] = []
    /// The screen rules adopted sessions are read with. Default `claude` (the sessions
    /// people start by hand are mostly Claude Code).
    public var adoptKind = "claude"
    /// How long a state an agent's Claude Code hooks reported wins over its screen
    /// (`POST /hooks/claude/{agent}`). Default 30 s.
    public var hookPrecedence: Duration = .seconds(30)

    public init(
        tmux: TmuxConfiguration = TmuxConfiguration(),
        discoveryInterval: Duration = .seconds(1),
        tracking: StateTracker.Configuration = StateTracker.Configuration(),
        typing: TypingConfiguration = TypingConfiguration(),
        maxCommandBytes: Int = 64 * 1024,
        auditPath: String? = nil
    ) {
        self.tmux = tmux
        self.discoveryInterval = discoveryInterval
        self.tracking = tracking
        self.typing = typing
        self.maxCommandBytes = maxCommandBytes
        self.auditPath = auditPath
    }
}
