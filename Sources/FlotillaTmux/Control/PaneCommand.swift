/// What a pane runs: a shell command line, its working directory and extra environment.
public struct PaneCommand: Sendable, Hashable {
    /// The command line, run by tmux through `sh -c` (so pipes and quoting work as in a shell).
    public var command: String
    /// The working directory (`-c`); nil inherits the tmux server's.
    public var workingDirectory: String?
    /// Extra environment variables (`-e NAME=VALUE`), added to the server's environment.
    public var environment: [String: String]

    public init(_ command: String, workingDirectory: String? = nil, environment: [String: String] = [:]) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
    }

    /// The `-c DIR -e K=V …` options shared by new-session, new-window, split-window and
    /// respawn-pane.
    var options: [String] {
        var options: [String] = []
        if let workingDirectory { options += ["-c", workingDirectory] }
        for key in environment.keys.sorted() {
            options += ["-e", "\(key)=\(environment[key]!)"]
        }
        return options
    }
}
