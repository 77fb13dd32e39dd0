import ArgumentParser
import FlotillaCore
import FlotillaHub
import FlotillaStore
import FlotillaTmux
import Foundation
import Hummingbird
import Logging
import MQTT
import NIOCore
import ServiceLifecycle

/// Runs the hub: the durable task queue, scheduler and HTTP/WebSocket API.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the hub (task queue, scheduler, HTTP/WebSocket API)."
    )

    @Option(help: "Address to bind (other than loopback: needs --tls-cert/--tls-key, or --insecure).")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks any free port.")
    var port = 7700

    @Option(help: "Directory for the database and admin.token (default: env FLOTILLA_DATA_DIR, else .flotilla).")
    var dataDir: String?

    @Option(help: "Seconds an attempt stays with its agent without a heartbeat or progress.")
    var leaseSeconds: Double = 30

    @OptionGroup var timeouts: TimeoutOptions
    @OptionGroup var retention: RetentionOptions
    @OptionGroup var budgets: BudgetOptions
    @OptionGroup(title: "The hub's own initiative") var initiative: AutonomyOptions
    @OptionGroup var goals: GoalOptions

    @Option(help: ArgumentHelp("An approvals policy file (YAML or JSON): rules that allow or deny without a person, the timeout and what it decides (docs/approvals.md).", valueName: "file"))
    var approvals: String?
    @Option(help: ArgumentHelp("Notify people of events (webhook, Slack, ntfy, command): targets and subscriptions in a YAML or JSON file (docs/notifications.md).", valueName: "file"))
    var notifications: String?

    @Option(help: "Seconds of waiting that raise a queued task one priority step.")
    var agingSeconds: Double = 60

    @Option(help: "Delay before the first retry, in seconds (doubles per failure).")
    var retryBaseSeconds: Double = 1

    @Option(help: "How often leases, timeouts and backoffs are checked, in milliseconds.")
    var tickMs = 100

    @Option(help: "Largest request body accepted, in bytes.")
    var maxBodyBytes = 1_048_576

    @Flag(help: "fsync every commit (survives power loss, not only a killed hub).")
    var syncFull = false

    @Option(help: ArgumentHelp("Also serve agents and publish events on this MQTT broker ({swarm}/… topics, docs/mqtt.md).", valueName: "mqtt://host:port"))
    var mqtt: String?

    @Option(help: "Swarm name with --mqtt: the first level of every topic.")
    var swarm = "flotilla"

    @Flag(help: "With --mqtt: take task submissions on {swarm}/tasks/new without an admin token's proof (metadata.auth), as plain publishers such as mosquitto_pub send them. Off by default (docs/mqtt.md).")
    var mqttOpenSubmissions = false

    @Flag(help: "With --mqtt: let agents that sign nothing (plain MQTT clients) register, under ids no live token is bound to. Off by default (docs/mqtt.md).")
    var mqttOpenAgents = false

    @Option(help: "How long a dashboard sign-in lasts, in hours (up to 8760).")
    var sessionHours: Double = 12

    @Option(help: "On SIGINT/SIGTERM, seconds to let open requests and streams finish before they are cut.")
    var shutdownGraceSeconds: Double = 5

    @Flag(help: "Watch the fleet's interactive agents in tmux: live screen states and events, /api/agents/{id}/output, /command, /commands, /kill.")
    var watchPanes = false

    @Option(help: "The fleet's tmux socket for --watch-panes (default: env FLOTILLA_TMUX_SOCKET, else flotilla).")
    var tmuxSocket: String?

    @Option(name: .customLong("watch-session"), help: ArgumentHelp("Also watch this tmux session Flotilla did not start (repeatable; implies --watch-panes; on --tmux-socket, 'default' for your own tmux).", valueName: "name"))
    var watchSessions: [String] = []

    @Option(help: "Screen rules for --watch-session sessions: claude, codex, aider, gemini or shell.")
    var watchKind = "claude"

    @OptionGroup(title: "Bounds and TLS")
    var bounds: HubLimitOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard leaseSeconds > 0 else { throw ValidationError("--lease-seconds must be positive.") }
        guard agingSeconds > 0 else { throw ValidationError("--aging-seconds must be positive.") }
        guard retryBaseSeconds >= 0 else { throw ValidationError("--retry-base-seconds must not be negative.") }
        guard tickMs > 0 else { throw ValidationError("--tick-ms must be positive.") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive.") }
        if let mqtt {
            do { _ = try MQTTClient.Configuration(url: mqtt) } catch { throw ValidationError("--mqtt: \(SecretRedactor.redact(error.message))") }
        }
        guard SwarmTopics.isValidSwarm(swarm) else {
            throw ValidationError("--swarm '\(swarm)' must be one topic level: not empty, without '/', '+' or '#'.")
        }
        guard sessionHours > 0, sessionHours <= 8760 else { throw ValidationError("--session-hours must be more than 0 and at most 8760 (a year).") }
        guard shutdownGraceSeconds >= 0 else { throw ValidationError("--shutdown-grace-seconds must not be negative.") }
        guard tmuxSocket == nil || watchPanes || !watchSessions.isEmpty else { throw ValidationError("--tmux-socket only applies with --watch-panes.") }
        guard FleetFile.kinds.contains(watchKind) else {
            throw ValidationError("--watch-kind must be one of \(FleetFile.kinds.sorted().joined(separator: ", ")).")
        }
        var transport = HubConfiguration(host: host)
        bounds.apply(to: &transport)
        do { try transport.checkTransport() } catch { throw ValidationError(error.message) }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "flotilla.hub")
        var policy = SchedulerPolicy(leaseDuration: leaseSeconds, agingInterval: agingSeconds)
        policy.backoff.base = retryBaseSeconds
        try timeouts.apply(to: &policy)
        var configuration = HubConfiguration(
            host: host,
            port: port,
            dataDirectory: dataDir ?? HubConfiguration.defaultDataDirectory,
            maxBodySize: maxBodyBytes,
            policy: policy,
            tickInterval: Double(tickMs) / 1000,
            store: syncFull ? SQLiteStore.Configuration(dataDirectory: dataDir ?? HubConfiguration.defaultDataDirectory, synchronousFull: true) : nil,
            watch: watchPanes || !watchSessions.isEmpty ? WatchConfiguration(tmux: TmuxConfiguration(socketName: tmuxSocket ?? TmuxConfiguration.defaultSocketName)) : nil
        )
        configuration.retention = retention.policy
        configuration.budgets = try budgets.limits()
        try goals.apply(to: &configuration.goals)
        if let rules = goals.rules {
            do {
                configuration.goals.rules = try GoalRulesFile.load(path: rules)
            } catch {
                throw ValidationError("--goal-rules \(rules): \(error.message)")
            }
        }
        if let approvals {
            do {
                configuration.approvals = try ApprovalPolicyFile.load(path: approvals)
            } catch {
                throw ValidationError("--approvals \(approvals): \(error.field.map { "\($0): " } ?? "")\(error.message)")
            }
        }
        if let notifications {
            // Refused before anything opens: a bad field, a missing secret file.
            do { configuration.notifications = try NotificationSetup.load(path: notifications) } catch {
                throw Console.fail("error: --notifications \(notifications): \(error.field.map { "\($0): " } ?? "")\(error.message) (\(error.code.rawValue))")
            }
        }
        if initiative.autonomy {
            do {
                try configuration.enableAutonomy(budgetUSD: initiative.autonomyBudget, scanEvery: try initiative.scanEverySeconds(), repos: initiative.autonomyRepos, file: initiative.autonomyFile)
            } catch let error as FlotillaError {
                throw Console.fail("error: --autonomy: \(error.field.map { "\($0): " } ?? "")\(error.message) (\(error.code.rawValue))")
            }
        }
        configuration.sessionLifetime = sessionHours * 3600
        configuration.watch?.adoptSessions = watchSessions
        configuration.watch?.adoptKind = watchKind
        bounds.apply(to: &configuration)
        configuration.mqtt = mqtt.map { MQTTBridgeConfiguration(url: $0, swarm: swarm, allowUnsignedSubmissions: mqttOpenSubmissions, allowUnsignedAgents: mqttOpenAgents) }
        do {
            // The same checks buildApplication makes, before anything is opened, answered as a plain error line.
            _ = try configuration.tls?.serverConfiguration()
            try configuration.checkTransport()
        } catch {
            throw Console.fail("error: \(error.message)")
        }
        let hub: Hub
        let newToken: String?
        do {
            (hub, newToken) = try await Hub.open(configuration: configuration, logger: logger)
        } catch {
            throw Console.fail("error: cannot open the hub's data directory \(configuration.dataDirectory): \(error)")
        }
        if let newToken {
            Console.print("admin token (saved to \(configuration.adminTokenPath)): \(newToken)")
        }
        let host = self.host
        let scheme = configuration.scheme
        let app = try buildApplication(hub: hub, logger: logger) { port in
            Console.print("listening on \(scheme)://\(host):\(port)")
            // A URL to open: an IPv6 address goes in brackets.
            Console.print("dashboard: \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/")
        }
        // Like `app.runService()`, but bounded: open event streams and agent sockets would
        // otherwise hold a graceful shutdown open forever. After the grace period the server's
        // tasks are cancelled, which closes them. Acknowledged work is already committed.
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownGraceSeconds * 1000))
        group.maximumCancellationDuration = .seconds(3)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as ServiceGroupError {
            logger.warning("hub stopped before every task finished: \(error)")
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw Console.fail("error: \(host):\(port) is already in use (another hub?): stop what listens there, or pick another port with --port")
        }
    }
}
