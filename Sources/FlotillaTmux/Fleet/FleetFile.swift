import FlotillaCore
import Foundation
import Yams

/// A parsed and validated `flotilla.yaml` (documented in docs/fleet.md).
public struct FleetFile: Sendable, Hashable {
    /// Where the hub is and whether `flotilla up` starts one.
    public struct Hub: Sendable, Hashable {
        /// The hub's URL. Default `http://127.0.0.1:7700`.
        public var url: String = "http://127.0.0.1:7700"
        /// Start a hub (in the session's `hub` window) when none answers at `url`. Default true.
        public var start: Bool = true
        /// The hub's data directory, passed as `--data-dir`.
        public var dataDir: String?
        /// A command line that replaces `flotilla hub --port P`.
        public var command: String?
        /// The certificate chain (PEM) the hub `up` starts serves HTTPS/WSS with; with `tlsKey`.
        public var tlsCert: String?
        /// The private key (PEM) of `tlsCert`.
        public var tlsKey: String?
        /// The CA (PEM) fleet commands and agents trust for an `https` hub, as written; see
        /// ``FleetFile/hubCAFile``.
        public var caFile: String?
    }

    /// One agent entry (before `count` expands it).
    public struct AgentSpec: Sendable, Hashable {
        public var name: String
        public var role: String?
        public var executor: String?
        /// A command line that replaces `flotilla agent …` (any interactive program).
        public var command: String?
        public var count: Int = 1
        public var workdir: String?
        public var worktree: Bool = false
        public var model: String?
        public var autoApprove: AutoApprovePolicy = .off
        /// Screen-rules kind (claude, codex, aider, gemini, shell). Default: the executor when it
        /// names one of those, else shell.
        public var kind: String?
        public var env: [String: String] = [:]
        /// A markdown file whose checkboxes give the agent's progress.
        public var taskSpec: String?
        /// The `cmd` executor's command line (`--command-template`).
        public var commandTemplate: String?
        /// The model executors' settings (openai, ollama; docs/models.md), passed as the
        /// agent's flags of the same names.
        public var modelKeys = ModelKeys()
    }

    /// An agent's keys for the model executors: `base_url`, `api_key_file`, `temperature`,
    /// `max_turns`, `price_in`, `price_out`, and `route` for any agent.
    public struct ModelKeys: Sendable, Hashable {
        public var baseURL: String?
        public var apiKeyFile: String?
        public var temperature: Double?
        public var maxTurns: Int?
        public var priceIn: Double?
        public var priceOut: Double?
        public var route: String?
    }

    /// One running agent after `count` expansion: `name`, or `name-1` … `name-N`.
    public struct Agent: Sendable, Hashable {
        public var name: String
        public var spec: AgentSpec
        public var kind: String
        public var command: PaneCommand
    }

    public var session = "flotilla"
    public var socket: String?
    public var hub = Hub()
    /// A user screen-rules file extending the shipped rules.
    public var rules: String?
    /// First restart delay of a crashed agent, in seconds (doubles per crash). Default 1.
    public var restartBackoff: Double = 1
    /// Longest restart delay, in seconds. Default 30.
    public var restartBackoffMax: Double = 30
    public var agents: [AgentSpec] = []
    /// Environment every agent gets, under its own `env`: the `env_file`'s lines, then the
    /// top-level `env` block over them.
    public var environment: [String: String] = [:]
    /// The `env_file` as written, when the file names one.
    public var envFile: String?
    /// The `notifications:` section for the hub `up` starts, checked, its files absolute.
    public var notifications: JSONValue?
    /// The directory relative paths are resolved against (the file's directory).
    public var baseDirectory: String = "."
    /// The `approvals:` section (checked as an ``ApprovalPolicy``): the hub `up` starts reads
    /// it from a file (``hubApprovalsPath``).
    public var approvals: ApprovalPolicy?
    /// The `autonomy:` section (checked as ``AutonomySettings``, repositories absolute): the hub
    /// `up` starts runs its own initiative from it (``hubAutonomyPath``).
    public var autonomy: JSONValue?

    /// Loads and validates the fleet file at `path`.
    public static func load(path: String) throws -> FleetFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FleetError(.fileNotFound, "cannot read the fleet file \(path)")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        return try parse(yaml: text, baseDirectory: absolute.deletingLastPathComponent().path)
    }

    /// Parses and validates a fleet file's text.
    public static func parse(yaml: String, baseDirectory: String = FileManager.default.currentDirectoryPath) throws -> FleetFile {
        let root: Any?
        do { root = try Yams.load(yaml: yaml) } catch { throw FleetError(.invalidYAML, "not valid YAML: \(error)") }
        var reader = try FieldReader(root, path: "")
        var fleet = FleetFile()
        fleet.baseDirectory = baseDirectory
        fleet.session = try reader.string("session") ?? fleet.session
        fleet.socket = try reader.string("socket")
        fleet.rules = try reader.string("rules")
        if let hub = reader.take("hub") {
            var hubReader = try FieldReader(hub, path: "hub")
            fleet.hub.url = try hubReader.string("url") ?? fleet.hub.url
            fleet.hub.start = try hubReader.bool("start") ?? true
            fleet.hub.dataDir = try hubReader.string("data_dir")
            fleet.hub.command = try hubReader.string("command")
            fleet.hub.tlsCert = try hubReader.string("tls_cert")
            fleet.hub.tlsKey = try hubReader.string("tls_key")
            fleet.hub.caFile = try hubReader.string("ca_file")
            try hubReader.finish()
            guard let url = URL(string: fleet.hub.url), url.host != nil, url.scheme == "http" || url.scheme == "https" else {
                throw FleetError(.invalidField, "must be an http(s) URL with a host", field: "hub.url")
            }
            try fleet.checkTLS()
        }
        if let supervisor = reader.take("supervisor") {
            var supervisorReader = try FieldReader(supervisor, path: "supervisor")
            fleet.restartBackoff = try supervisorReader.number("restart_backoff") ?? 1
            fleet.restartBackoffMax = try supervisorReader.number("restart_backoff_max") ?? 30
            try supervisorReader.finish()
        }
        if let notifications = reader.take("notifications") {
            fleet.notifications = try readNotifications(notifications, baseDirectory: baseDirectory)
        }
        fleet.envFile = try reader.string("env_file")
        if let approvals = reader.take("approvals") { fleet.approvals = try readApprovals(approvals) }
        if let autonomy = reader.take("autonomy") { fleet.autonomy = try readAutonomy(autonomy, baseDirectory: baseDirectory) }
        let env = try readEnvironment(reader.take("env"), field: "env")
        let agents = reader.take("agents")
        // Unknown keys first: a misspelt `agent:` must be named, not reported as no agents.
        try reader.finish()
        guard let agents else { throw FleetError(.missingField, "a fleet needs at least one agent", field: "agents") }
        guard let list = agents as? [Any], !list.isEmpty else {
            throw FleetError(.invalidField, "must be a non-empty list of agents", field: "agents")
        }
        if let envFile = fleet.envFile {
            fleet.environment = try Self.readEnvFile(fleet.resolve(envFile), field: "env_file")
        }
        fleet.environment.merge(env) { _, block in block }
        fleet.agents = try list.enumerated().map { try parseAgent($0.element, path: "agents[\($0.offset)]") }
        var seen: Set<String> = []
        for agent in try fleet.expandedAgents() {
            guard seen.insert(agent.name).inserted else {
                throw FleetError(.duplicateAgent, "two agents are named '\(agent.name)'", field: "agents")
            }
        }
        return fleet
    }

    public static let kinds: Set<String> = ["claude", "codex", "aider", "gemini", "shell"]

    static func parseAgent(_ value: Any, path: String) throws -> AgentSpec {
        var reader = try FieldReader(value, path: path)
        guard let name = try reader.string("name") else { throw FleetError(.missingField, "every agent needs a name", field: "\(path).name") }
        guard name.range(of: "^[A-Za-z0-9][A-Za-z0-9_.-]*$", options: .regularExpression) != nil else {
            throw FleetError(.invalidField, "'\(name)': use letters, digits, '-', '_' or '.'", field: "\(path).name")
        }
        var spec = AgentSpec(name: name)
        spec.role = try reader.string("role")
        spec.executor = try reader.string("executor")
        spec.command = try reader.string("command")
        spec.count = try reader.int("count") ?? 1
        spec.workdir = try reader.string("workdir")
        spec.worktree = try reader.bool("worktree") ?? false
        spec.model = try reader.string("model")
        spec.kind = try reader.string("kind")
        spec.taskSpec = try reader.string("task_spec")
        spec.commandTemplate = try reader.string("command_template")
        spec.modelKeys = try readModelKeys(&reader, path: path)
        spec.env = try readEnvironment(reader.take("env"), field: "\(path).env")
        if let approve = reader.take("auto_approve") {
            if let flag = approve as? Bool {
                spec.autoApprove = AutoApprovePolicy(enabled: flag)
            } else {
                var policy = try FieldReader(approve, path: "\(path).auto_approve")
                spec.autoApprove = AutoApprovePolicy(enabled: true, allow: try policy.strings("allow") ?? [], deny: try policy.strings("deny") ?? [])
                try policy.finish()
            }
        }
        try reader.finish()
        guard spec.count >= 1 && spec.count <= 64 else { throw FleetError(.invalidField, "must be between 1 and 64", field: "\(path).count") }
        if spec.command == nil && spec.executor == nil {
            throw FleetError(.missingField, "agent '\(name)' needs an executor or a command", field: "\(path).executor")
        }
        if spec.command == nil && spec.role == nil {
            throw FleetError(.missingField, "agent '\(name)' runs `flotilla agent` and needs a role", field: "\(path).role")
        }
        // Exactly what `flotilla agent --executor` runs (one list, shared with the agent).
        if let executor = spec.executor, let unknown = ExecutorNames.firstUnknown(in: executor) {
            throw FleetError(.invalidField, "unknown executor '\(unknown)' (one of \(ExecutorNames.listed))", field: "\(path).executor")
        }
        if spec.command == nil, let executor = spec.executor, ExecutorNames.split(executor).contains("cmd"), spec.commandTemplate == nil {
            throw FleetError(.missingField, "the cmd executor needs a command_template ('tool --flag {prompt}')", field: "\(path).command_template")
        }
        if let kind = spec.kind, !kinds.contains(kind) {
            throw FleetError(.invalidField, "unknown kind '\(kind)' (one of \(kinds.sorted().joined(separator: ", ")))", field: "\(path).kind")
        }
        if spec.worktree && spec.workdir != nil {
            throw FleetError(.invalidField, "set either workdir or worktree: true, not both", field: "\(path).worktree")
        }
        return spec
    }
}
