import Foundation
import Crypto

/// How an agent presents itself to the hub and runs its work.
public struct AgentConfiguration: Sendable {
    public var agentID: String
    public var roles: [String]
    public var capabilities: [String]
    /// Attempts held at once. Default 1.
    public var concurrency: Int
    /// The directory tasks without a `repo` run in; worktrees and clones live under it.
    public var workdir: String
    /// The MQTT swarm name (the first level of its topics), reported in the registration.
    public var swarm: String?
    /// How long a drain waits for work in hand before releasing it to the hub. Default 30 s.
    public var drainGrace: Duration
    /// First and longest wait between reconnects (exponential with jitter). Defaults 0.25 s and 10 s.
    public var reconnectBase: Duration
    public var reconnectMax: Duration
    /// At most one progress message per attempt this often (the newest wins). Default 0.25 s.
    public var progressInterval: Duration
    /// Heartbeat period until the hub says otherwise in `registered`. Default 10 s.
    public var heartbeatInterval: Duration
    /// How each attempt's output is streamed to the hub (`output` messages): buffer, rate,
    /// interval. A rate of 0 streams none.
    public var output = AttemptOutput.Limits()
    /// How often a running attempt's worktree is checked for changed files, announced to the
    /// hub for file-aware dispatch (``WorktreeWatcher``). Default 2 s.
    public var worktreeWatchInterval: Duration = .seconds(2)
    public var version: String

    public init(
        agentID: String, roles: [String], capabilities: [String] = [], concurrency: Int = 1, workdir: String,
        swarm: String? = nil, drainGrace: Duration = .seconds(30), reconnectBase: Duration = .milliseconds(250),
        reconnectMax: Duration = .seconds(10), progressInterval: Duration = .milliseconds(250),
        heartbeatInterval: Duration = .seconds(10), version: String = "0.1.0"
    ) {
        self.agentID = agentID
        self.roles = roles
        self.capabilities = capabilities
        self.concurrency = concurrency
        self.workdir = workdir
        self.swarm = swarm
        self.drainGrace = drainGrace
        self.reconnectBase = reconnectBase
        self.reconnectMax = reconnectMax
        self.progressInterval = progressInterval
        self.heartbeatInterval = heartbeatInterval
        self.version = version
    }

    /// The id an agent gets when none is given: `<name>-<host>-<6 hex>`, where the hex digits hash
    /// the host, name and working directory — stable across restarts, distinct for two agents of
    /// one role started from different directories on one machine.
    public static func generatedID(name: String, host: String = ProcessInfo.processInfo.hostName, workdir: String) -> String {
        let digest = SHA256.hash(data: Data("\(host)\n\(name)\n\(workdir)".utf8))
        let hex = digest.prefix(3).map { String(format: "%02x", $0) }.joined()
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let cleanHost = String(host.split(separator: ".").first ?? "host").filter { allowed.contains($0) }
        let cleanName = name.map { allowed.contains($0) ? $0 : "-" }
        return "\(String(cleanName))-\(cleanHost.isEmpty ? "host" : cleanHost)-\(hex)"
    }
}
