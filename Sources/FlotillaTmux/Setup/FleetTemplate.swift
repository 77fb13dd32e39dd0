/// The commented `flotilla.yaml` that `flotilla init` writes: one agent per agent CLI found on
/// this machine, or shell agents when there is none. Pure: the caller finds the CLIs.
public struct FleetTemplate: Sendable {
    /// An agent CLI found on `PATH`.
    public struct FoundCLI: Sendable, Hashable {
        /// `claude`, `codex`, `aider` or `gemini`: the executor of the same name runs it.
        public var name: String
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    /// The repository's name, for the comments and the tmux session.
    public var repository: String
    public var clis: [FoundCLI]
    public var hubURL: String

    public init(repository: String, clis: [FoundCLI], hubURL: String = "http://127.0.0.1:7700") {
        self.repository = repository
        self.clis = clis
        self.hubURL = hubURL
    }

    /// A tmux session name made from the repository's name (letters, digits, `-`, `_`).
    public var session: String {
        let cleaned = String(repository.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return cleaned.isEmpty ? "flotilla" : "flotilla-" + cleaned
    }

    /// The file's text.
    public var text: String {
        var lines = [
            "# flotilla.yaml: the agent fleet of \(repository), written by `flotilla init`.",
            "# Start it with `flotilla up`; see it with `flotilla ps` and `flotilla attach`; stop it",
            "# with `flotilla stop`. `flotilla doctor` checks that this machine can run it.",
            "# Every key is explained in docs/fleet.md.",
            "",
            "session: \(session)  # the tmux session (on tmux socket `flotilla`, apart from your own)",
            "hub:",
            "  url: \(hubURL)  # where agents and commands find the hub",
            "  start: true          # `flotilla up` starts a hub here when none answers",
            "  data_dir: .flotilla  # the hub's database and admin.token: keep it out of git",
            "supervisor:",
            "  restart_backoff: 1       # seconds before a crashed agent is restarted; doubles each time",
            "  restart_backoff_max: 30",
            "agents:",
        ]
        if clis.isEmpty {
            lines += [
                "  # No agent CLI (claude, codex, aider, gemini) was found on PATH: these agents run",
                "  # shell tasks (payload.command). Install one and add an agent like:",
                "  #   - {name: claude, role: general, executor: claude, worktree: true}",
                "  - name: shell",
                "    role: general     # `flotilla submit --role general …` goes to these",
                "    executor: shell",
                "    count: 2          # shell-1, shell-2",
                "    worktree: true    # runs in a directory of its own; a task with --repo gets its own git worktree",
            ]
        }
        for cli in clis {
            lines += [
                "  # \(cli.name) found at \(cli.path)",
                "  - name: \(cli.name)",
                "    role: general     # `flotilla submit --role general …` goes to the first free agent",
                "    executor: \(cli.name)",
                "    worktree: true    # runs in a directory of its own; a task with --repo gets its own git worktree",
                "    # model: \(Self.exampleModel[cli.name] ?? "MODEL")",
                "    # auto_approve: true   # let it act without asking (its own flag, e.g. claude --dangerously-skip-permissions)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let exampleModel = ["claude": "sonnet", "codex": "gpt-5-codex", "aider": "sonnet", "gemini": "gemini-2.5-pro"]
}
