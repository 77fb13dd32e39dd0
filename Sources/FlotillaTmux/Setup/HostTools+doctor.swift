import Foundation

extension HostTools {
    /// How to install each program a fleet may need.
    static let installHints: [String: String] = [
        "tmux": "install tmux \(TmuxVersion.minimum) or newer (Debian/Ubuntu: sudo apt-get install tmux; macOS: brew install tmux)",
        "git": "install git (Debian/Ubuntu: sudo apt-get install git; macOS: xcode-select --install or brew install git)",
        "claude": "install Claude Code (npm install -g @anthropic-ai/claude-code) and sign in once with `claude`",
        "codex": "install the Codex CLI (npm install -g @openai/codex) and sign in once with `codex`",
        "aider": "install aider (python3 -m pip install aider-install && aider-install)",
        "gemini": "install the Gemini CLI (npm install -g @google/gemini-cli) and sign in once with `gemini`",
    ]

    /// tmux: on PATH and new enough.
    public func checkTmux() async -> DoctorCheck {
        guard let path = find("tmux") else {
            return .failed("tmux", "tmux is not on PATH (\(searchPath))", fix: Self.installHints["tmux"]!)
        }
        guard let line = await firstLine(path, ["-V"]), let version = TmuxVersion(parsing: line) else {
            return .failed("tmux", "\(path) -V did not say its version", fix: Self.installHints["tmux"]!)
        }
        guard version >= TmuxVersion.minimum else {
            return .failed("tmux", "tmux \(version) at \(path) is too old (need \(TmuxVersion.minimum) or newer)", fix: Self.installHints["tmux"]!)
        }
        return .ok("tmux", "tmux \(version) (\(path))")
    }

    /// git: on PATH (agents work in git worktrees).
    public func checkGit() async -> DoctorCheck {
        guard let path = find("git") else {
            return .failed("git", "git is not on PATH (\(searchPath))", fix: Self.installHints["git"]!)
        }
        let version = await firstLine(path, ["--version"]) ?? "git"
        return .ok("git", "\(version) (\(path))")
    }

    /// The programs the fleet's agents run: the agent CLI of each `flotilla agent` executor, the
    /// first word of each custom `command`.
    public func checkAgentPrograms(_ file: FleetFile) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        var seen: Set<String> = []
        for spec in file.agents {
            let program: String
            let use: String
            if let command = spec.command {
                guard let first = Self.program(of: command) else { continue }
                program = first
                use = "agent '\(spec.name)' runs `\(first)`"
            } else if let executor = spec.executor, let cli = executor.split(separator: "-").first.map(String.init), Self.agentCLIs.contains(cli) {
                // `codex-exec` and `gemini-prompt` run the same CLI as `codex` and `gemini`.
                program = cli
                use = "agent '\(spec.name)' uses executor \(executor)"
            } else {
                continue
            }
            guard seen.insert(program).inserted else { continue }
            if let path = find(program) {
                checks.append(.ok(program, "\(use): \(path)"))
            } else {
                let fix = Self.installHints[program] ?? "install \(program) or put it on PATH, or change the agent's command in the fleet file"
                checks.append(.failed(program, "\(use), but \(program) is not on PATH", fix: fix))
            }
        }
        return checks
    }

    /// The program a pane command line starts: its first word after `VAR=value` assignments
    /// and `env`/`exec`; nil for an empty line.
    static func program(of command: String) -> String? {
        var words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        while let first = words.first, first.contains("=") && !first.hasPrefix("=") || first == "env" || first == "exec" {
            words.removeFirst()
        }
        return words.first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
    }

    /// Whether something accepts TCP connections at `url`'s host and port (`defaultPort` when
    /// it names none) within 2 seconds.
    public func answers(_ url: String, defaultPort: Int) -> Bool {
        guard let parsed = URL(string: url), let host = parsed.host else { return false }
        return TCPProbe.connects(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: parsed.port ?? defaultPort)
    }
}
