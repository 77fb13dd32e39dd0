/// Where and how Flotilla talks to tmux.
///
/// Every call goes to a dedicated server socket (`tmux -L <socketName>`), so a user's own tmux
/// sessions are never listed, changed or killed.
public struct TmuxConfiguration: Sendable, Hashable {
    /// The tmux socket name passed as `-L`. Default `flotilla`; tests use a unique name each.
    public var socketName: String
    /// The tmux executable, looked up on `PATH` when it has no slash. Default `tmux`.
    public var executable: String
    /// A config file passed as `-f` when the server starts; nil uses the user's own
    /// (`~/.tmux.conf`). Tests pass `/dev/null` so the server behaves the same everywhere.
    public var configFile: String?

    /// - Parameters:
    ///   - socketName: the `-L` socket name (default `flotilla`, or env `FLOTILLA_TMUX_SOCKET`).
    ///   - executable: the tmux binary (default `tmux`).
    ///   - configFile: the `-f` config file (default nil: the user's).
    public init(socketName: String = TmuxConfiguration.defaultSocketName, executable: String = "tmux", configFile: String? = nil) {
        self.socketName = socketName
        self.executable = executable
        self.configFile = configFile
    }

    /// `FLOTILLA_TMUX_SOCKET` when set, else `flotilla`.
    public static var defaultSocketName: String {
        if let value = ProcessEnvironment.value("FLOTILLA_TMUX_SOCKET") { return value }
        return "flotilla"
    }

    /// The global arguments every tmux invocation starts with (`-L socket [-f config]`).
    public var globalArguments: [String] {
        var arguments = ["-L", socketName]
        if let configFile { arguments += ["-f", configFile] }
        return arguments
    }
}
