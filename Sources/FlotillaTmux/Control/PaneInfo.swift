/// One pane as tmux reports it (`list-panes -F`).
public struct PaneInfo: Sendable, Hashable {
    /// The pane id, e.g. `%3`: stable for the pane's life, unlike indexes.
    public var id: String
    /// The pid of the pane's first process (the command tmux started).
    public var pid: Int32
    /// Whether the pane's process has exited while the pane stays (`remain-on-exit`).
    public var isDead: Bool
    /// The exit status of a dead pane, when tmux knows it.
    public var deadStatus: Int?
    /// Whether the pane is in copy mode or another mode (typed text would not reach the program).
    public var inMode: Bool
    public var sessionName: String
    public var windowID: String
    public var windowName: String
    public var width: Int
    public var height: Int
    public var left: Int
    public var top: Int
    /// The fleet agent running here (pane option `@flotilla_agent`), if any.
    public var agentName: String?
    /// When the agent's current process started (pane option `@flotilla_started`, Unix seconds).
    public var startedAt: Int?
    /// How often the supervisor restarted it (pane option `@flotilla_restarts`).
    public var restarts: Int
    /// The exit status the supervisor last saw the agent end with (pane option `@flotilla_last_exit`).
    public var lastExit: Int? = nil
    /// Whether this is the hub `flotilla up` started (pane option `@flotilla_hub`).
    public var isFleetHub: Bool = false

    /// The `-F` format that ``parse(_:)`` reads back, fields separated by a tab.
    static let format = [
        "#{pane_id}", "#{pane_pid}", "#{pane_dead}", "#{pane_dead_status}", "#{pane_in_mode}",
        "#{session_name}", "#{window_id}", "#{window_name}", "#{pane_width}", "#{pane_height}",
        "#{pane_left}", "#{pane_top}", "#{@flotilla_agent}", "#{@flotilla_started}", "#{@flotilla_restarts}",
        "#{@flotilla_last_exit}", "#{@flotilla_hub}",
    ].joined(separator: "\t")

    /// Parses one line printed with ``format``; nil for a malformed line.
    static func parse(_ line: Substring) -> PaneInfo? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 15, let pid = Int32(fields[1]) else { return nil }
        return PaneInfo(
            id: fields[0], pid: pid, isDead: fields[2] == "1", deadStatus: Int(fields[3]), inMode: fields[4] == "1",
            sessionName: fields[5], windowID: fields[6], windowName: fields[7],
            width: Int(fields[8]) ?? 0, height: Int(fields[9]) ?? 0, left: Int(fields[10]) ?? 0, top: Int(fields[11]) ?? 0,
            agentName: fields[12].isEmpty ? nil : fields[12], startedAt: Int(fields[13]), restarts: Int(fields[14]) ?? 0,
            lastExit: fields.count > 15 ? Int(fields[15]) : nil, isFleetHub: fields.count > 16 && fields[16] == "1"
        )
    }
}
