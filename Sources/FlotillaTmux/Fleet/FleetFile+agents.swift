import FlotillaCore
import Foundation

extension FleetFile {
    /// Every agent after `count` expansion, with its pane command.
    /// - Parameter flotilla: the `flotilla` binary agents without `command` run (`flotilla agent`).
    public func expandedAgents(flotilla: String = "flotilla") throws -> [Agent] {
        agents.flatMap { spec in
            (1...spec.count).map { index in
                let name = spec.count == 1 ? spec.name : "\(spec.name)-\(index)"
                return Agent(name: name, spec: spec, kind: kind(of: spec), command: command(for: spec, name: name, flotilla: flotilla))
            }
        }
    }

    func kind(of spec: AgentSpec) -> String {
        if let kind = spec.kind { return kind }
        if let executor = spec.executor, Self.kinds.contains(executor) { return executor }
        return "shell"
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    func command(for spec: AgentSpec, name: String, flotilla: String) -> PaneCommand {
        // An admin token exported where `up` ran must not reach agents through the tmux
        // server's environment; the fleet's own `env_file`/`env` and the agent's `env` go over it.
        var environment = ["FLOTILLA_TOKEN": ""]
        environment.merge(self.environment) { _, fleet in fleet }
        environment.merge(spec.env) { _, own in own }
        environment["FLOTILLA_AGENT_NAME"] = name
        environment["FLOTILLA_HUB"] = hub.url
        guard let own = spec.command else {
            return agentCommand(for: spec, name: name, flotilla: flotilla, environment: environment)
        }
        // Interactive Claude Code gets its hook token in its environment (FleetFile+claudeHooks).
        guard kind(of: spec) == "claude" else {
            return PaneCommand(own, workingDirectory: resolve(spec.workdir ?? "."), environment: environment)
        }
        // Node (Claude Code) trusts the fleet's CA for the hooks' https:// calls.
        if let caFile = hubCAFile { environment["NODE_EXTRA_CA_CERTS"] = environment["NODE_EXTRA_CA_CERTS"] ?? caFile }
        return PaneCommand(hookedCommand(own, name: name), workingDirectory: resolve(spec.workdir ?? "."), environment: environment)
    }

    /// The pane command of an agent that runs `flotilla agent`.
    private func agentCommand(for spec: AgentSpec, name: String, flotilla: String, environment: [String: String]) -> PaneCommand {
        // The pane runs `flotilla agent` as this entry's name and role. Its credential is a token bound to
        // its name and role that `up` (or the supervisor, on a restart) writes to a 0600 file
        // outside its working directory, and that the agent deletes once read, so nothing it
        // runs finds it; it never gets the admin token. It runs, and makes its
        // worktrees, in a directory of its own unless `workdir` says otherwise, so its tasks do
        // not start beside the hub's data directory.
        let workdir = runDirectory(of: spec, name: name)
        var arguments = [flotilla, "agent", "--agent-id", name, "--hub", hub.url]
        if let role = spec.role { arguments += ["--role", role] }
        if let executor = spec.executor { arguments += ["--executor", executor] }
        if let model = spec.model { arguments += ["--model", model] }
        if let template = spec.commandTemplate { arguments += ["--command-template", template] }
        arguments += modelArguments(spec.modelKeys)
        if spec.autoApprove.enabled { arguments.append("--auto-approve") }
        // The CA the hub's certificate is checked against on its wss:// socket (pinned when the
        // URL names an IP address).
        if let caFile = hubCAFile { arguments += ["--ca-file", caFile] }
        arguments += ["--token-file", tokenPath(name), "--consume-token-file", "--workdir", workdir]
        return PaneCommand(arguments.map(Self.shellQuote).joined(separator: " "), workingDirectory: workdir, environment: environment)
    }

    /// Where a `flotilla agent` agent runs: its `workdir`, else its own directory (below).
    func runDirectory(of spec: AgentSpec, name: String) -> String {
        spec.workdir.map(resolve) ?? agentDirectory(name)
    }

    /// The agent's own directory, its default working directory. It lies outside the fleet's
    /// directory and so outside the hub's data directory: a task that looks around where it
    /// runs (`ls ..`, `../../admin.token`) finds neither the repository's `.flotilla/` nor its
    /// admin token. See ``agentsRoot``.
    public func agentDirectory(_ name: String) -> String { agentsRoot + "/\(name)" }

    /// `$XDG_STATE_HOME/flotilla/fleets/<session>-<hash of the fleet's directory>/agents`
    /// (`~/.local/state/…` without `XDG_STATE_HOME`): one per fleet file, stable across runs so
    /// agents keep their worktrees and clones.
    public var agentsRoot: String {
        let environment = ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()) + "/.local/state"
        return URL(fileURLWithPath: state).standardizedFileURL.path + "/flotilla/fleets/\(session)-\(Self.pathHash(baseDirectory))/agents"
    }

    /// A short, stable hash of a path (FNV-1a, 64 bits, as 12 hex digits): two fleets with the
    /// same session name in different directories get different agent directories.
    static func pathHash(_ path: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(String(hash, radix: 16).suffix(12))
    }

    /// The directory of the agents' token files (0700).
    public var tokenDirectory: String { stateDirectory + "/tokens" }

    /// Where agent `name`'s token is written (0600) for `flotilla agent --token-file`.
    public func tokenPath(_ name: String) -> String { tokenDirectory + "/\(name).token" }

    /// The hub's start command, or nil when the fleet does not start one. The hub watches the
    /// fleet's panes on `socket` (live states, events, the watched-agent endpoints) and serves
    /// HTTPS/WSS with `tls_cert`/`tls_key` when set; a custom `hub.command` is used as written.
    func hubCommand(flotilla: String, socket: String) -> PaneCommand? {
        guard hub.start else { return nil }
        if let command = hub.command { return PaneCommand(command, workingDirectory: baseDirectory) }
        var arguments = [flotilla, "hub", "--watch-panes", "--tmux-socket", socket]
        if let url = URL(string: hub.url), let port = url.port { arguments += ["--port", "\(port)"] }
        if let url = URL(string: hub.url), let host = url.host { arguments += ["--host", host] }
        if let dataDir = hub.dataDir { arguments += ["--data-dir", resolve(dataDir)] }
        if let tls = hubTLSFiles { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        arguments += writeHubApprovals()
        arguments += writeHubAutonomy()
        if notifications != nil { arguments += ["--notifications", hubNotificationsPath] }
        return PaneCommand(arguments.map(Self.shellQuote).joined(separator: " "), workingDirectory: baseDirectory)
    }

    /// The screen rules: shipped ones extended by the fleet's `rules` file.
    public func screenRules() throws -> ScreenRules {
        guard let rules else { return .defaults }
        guard let text = try? String(contentsOfFile: resolve(rules), encoding: .utf8) else {
            throw FleetError(.fileNotFound, "cannot read the rules file \(resolve(rules))", field: "rules")
        }
        return ScreenRules.defaults.merged(with: try ScreenRules.parse(yaml: text))
    }

    /// The hub's data directory (`hub.data_dir`) as an absolute path, when the file sets one.
    public var hubDataDirectory: String? { hub.dataDir.map(resolve) }

    /// Where logs and the audit trail go: `.flotilla/` beside the fleet file.
    public var stateDirectory: String { resolve(".flotilla") }

    static func shellQuote(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
