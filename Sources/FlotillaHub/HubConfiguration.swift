public import FlotillaCore
public import FlotillaEngine
public import FlotillaGoals
public import FlotillaStore
import Foundation

/// Configuration of a hub. Every default is what `flotilla hub` uses without flags.
public struct HubConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks any free port. Default 7700.
    public var port: Int
    /// Where the database and `admin.token` live. Default `.flotilla`.
    public var dataDirectory: String
    /// Largest request body accepted, in bytes (larger: 413). Default 1 MiB.
    public var maxBodySize: Int
    /// Most tasks in one batch submission. Default 10,000.
    public var maxBatchSize: Int
    /// Leases, aging and backoff.
    public var policy: SchedulerPolicy
    /// How often leases, timeouts and backoffs are checked, in seconds. Default 0.1.
    public var tickInterval: Double
    /// The store's own configuration. Default nil: SQLite's defaults, in `flotilla.sqlite` in
    /// the data directory (``SQLiteStore/Configuration/init(dataDirectory:synchronousFull:)``).
    public var store: SQLiteStore.Configuration?
    /// Serve agents and publish events on an MQTT broker too. Default nil (WebSocket only).
    public var mqtt: MQTTBridgeConfiguration? = nil
    /// Workflow triggers: webhook secrets' source, the schedules' clock, refresh intervals.
    public var triggers = WorkflowTriggerConfiguration()
    /// Watch the fleet's interactive agents in tmux and serve their endpoints
    /// (`--watch-panes`). Default nil: not watching.
    public var watch: WatchConfiguration?
    /// How long what is over (finished tasks, runs and goals, decided approvals, events, offline
    /// agents) is kept (`--retention-days`).
    /// Default 30 days; nil keeps everything.
    public var retention: RetentionPolicy? = RetentionPolicy()
    /// Bounds on connections, buffers and rates.
    public var limits = HubLimits()
    /// Serve HTTPS/WSS with this certificate. Default nil (plain HTTP, loopback only unless
    /// `--insecure`).
    public var tls: HubTLS? = nil
    /// Serve plain HTTP on a non-loopback host anyway (`--insecure`). Default false.
    public var insecure = false
    /// How long a dashboard sign-in lasts, in seconds (`--session-hours`). Default 12 hours.
    public var sessionLifetime: Double = 12 * 3600
    /// Running attempts' output: memory per attempt, file cap. Its `directory` defaults to
    /// `output/` in the data directory.
    public var output = OutputConfiguration()
    /// Seconds between the samples of `GET /api/stats/history`. Default 10.
    public var historyInterval = 10.0
    /// Spending limits at start (`--budget-day`, `--budget-role`). Default: none.
    public var budgets = BudgetLimits()
    /// Approval rules and the timeout policy (`--approvals FILE`, the fleet file's
    /// `approvals:`; docs/approvals.md). Default: no rules, 600 s, deny.
    public var approvals = ApprovalPolicy.standard
    /// Notifications to people: targets, subscriptions and their secrets (`--notifications`,
    /// docs/notifications.md). Default nil: none are sent.
    public var notifications: NotificationSetup? = nil
    /// The hub's own initiative (`--autonomy`, docs/goals.md): scans, proposals, its start
    /// gate, healing. Default nil: off.
    public var autonomy: AutonomyConfiguration? = nil
    /// How goals are carried out (`--goal-…`, docs/goals.md); an empty root is the data
    /// directory's `goals` folder.
    public var goals = GoalConfiguration(root: "")

    public init(
        host: String = "127.0.0.1",
        port: Int = 7700,
        dataDirectory: String = HubConfiguration.defaultDataDirectory,
        maxBodySize: Int = 1 << 20,
        maxBatchSize: Int = 10_000,
        policy: SchedulerPolicy = SchedulerPolicy(),
        tickInterval: Double = 0.1,
        store: SQLiteStore.Configuration? = nil,
        watch: WatchConfiguration? = nil
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.maxBodySize = maxBodySize
        self.maxBatchSize = maxBatchSize
        self.policy = policy
        self.tickInterval = tickInterval
        self.store = store
        self.watch = watch
    }

    /// `FLOTILLA_DATA_DIR`, else `.flotilla` in the working directory.
    public static var defaultDataDirectory: String { DataDirectory.defaultPath }

    /// What the engine takes from this configuration.
    public var engine: EngineConfiguration {
        var engine = EngineConfiguration(
            policy: policy,
            tickInterval: tickInterval,
            retention: retention,
            eventBufferSize: limits.eventBufferSize,
            pendingCommitsPerConnection: limits.pendingCommits,
            historyInterval: historyInterval
        )
        engine.output = output
        engine.budgets = budgets
        engine.approvals = approvals
        // Retention keeps a finished finding through the initiative's cooldown, a longer one too.
        if let cooldown = autonomy?.policy.cooldown { engine.retention?.findingCooldown = max(AutonomyPolicy.defaultCooldown, cooldown) }
        if engine.output.directory == nil { engine.output.directory = files.outputDirectory }
        return engine
    }

    /// The store the hub opens: ``store``, else SQLite's defaults in the data directory.
    public var storeConfiguration: SQLiteStore.Configuration {
        store ?? SQLiteStore.Configuration(dataDirectory: dataDirectory)
    }

    /// The files in ``dataDirectory`` (FlotillaCore's ``DataDirectory``).
    public var files: DataDirectory { DataDirectory(dataDirectory) }
    public var adminTokenPath: String { files.adminTokenPath }
}
