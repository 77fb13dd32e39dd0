import ArgumentParser
import FlotillaAgent
import FlotillaCore
import Foundation
import Logging

/// Runs an agent: registers with the hub, takes assignments for its roles and runs them.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run an agent that takes tasks for its roles from the hub and executes them.",
        discussion: """
            SIGINT/SIGTERM drains (no new work; the task in hand finishes within --drain-grace-seconds, \
            else it is released to the hub); a second signal releases at once. Exit code 0 after a drain. \
            The token is --token-file, --token or env FLOTILLA_TOKEN, one made for this agent \
            (`flotilla token create --name ID`); never the hub's admin token file.
            """
    )

    @Option(help: ArgumentHelp("Roles this agent serves, comma-separated (testing, review, deployment, general…).", valueName: "role[,role]"))
    var role = "general"

    @Option(help: ArgumentHelp("Capabilities, comma-separated; tasks needing others are not sent here.", valueName: "a,b"))
    var capabilities = ""

    @Option(name: .customLong("agent-id"), help: "Agent id (default: <name>-<host>-<hash of host, name and workdir>, stable across restarts).")
    var agentID: String?

    @Option(help: "Name used in the generated agent id (default: the first role).")
    var name: String?

    @Option(help: ArgumentHelp("Executors, comma-separated: \(ExecutorNames.listed). A task's complexity picks among them (trivial → shell, standard → the first model executor, complex → the first CLI agent; see --route).", valueName: "name[,name]"))
    var executor = "shell"

    @Option(help: "Attempts run at once.")
    var concurrency = 1

    @Option(help: "Directory tasks run in; worktrees go to <workdir>/worktrees (default: the current directory).")
    var workdir: String?

    @Option(help: "Swarm name: the first level of every MQTT topic with --broker (default flotilla); reported to the hub.")
    var swarm: String?

    @Option(help: ArgumentHelp("Reach the hub through this MQTT broker instead of its WebSocket (the hub runs with --mqtt).", valueName: "mqtt://host:port"))
    var broker: String?

    @Flag(help: ArgumentHelp("MQTT mode: reach the hub through the broker of --broker, mqtt://localhost:1883 when --broker is not given."))
    var mqtt = false

    @Option(help: ArgumentHelp("With --broker: the hub's public key (base64, printed by `flotilla token create` as 'hub key'); the agent acts only on messages it signed. Default: FLOTILLA_HUB_KEY.", valueName: "key"))
    var hubKey: String?

    /// The broker `--mqtt` uses when `--broker` is not given.
    static let defaultBroker = "mqtt://localhost:1883"

    @Option(help: "Model passed to LLM executors.")
    var model: String?

    @Option(help: ArgumentHelp("Claude Code --allowedTools, comma-separated.", valueName: "tools"))
    var allowedTools: String?

    @Option(help: "Claude Code --permission-mode (e.g. acceptEdits, plan).")
    var permissionMode: String?

    @Flag(help: "Let LLM executors act without asking (claude --dangerously-skip-permissions, codex approval policy never, codex-exec --full-auto, aider --yes-always, gemini --yolo).")
    var autoApprove = false

    @Option(help: ArgumentHelp("The cmd executor's command line, with {prompt}, {workdir} and {model}; words split like a shell does.", valueName: "template"))
    var commandTemplate: String?

    @Option(help: "Program to run for the LLM executors instead of their default name.")
    var executorBin: String?

    @Option(help: "Seconds a drain waits for the task in hand before releasing it.")
    var drainGraceSeconds: Double = 30

    @Option(help: ArgumentHelp("Bytes a second of each attempt's output streamed to the hub (`flotilla tasks logs`); past it output is skipped, with a line saying how much. 0 streams none.", valueName: "bytes"))
    var outputRate: Int = 1 << 20

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @Option(help: ArgumentHelp("Read the hub token from this file (`flotilla up` writes one per agent, 0600, outside the agent's working directory); beats --token and FLOTILLA_TOKEN.", valueName: "path"))
    var tokenFile: String?

    @Flag(help: "Delete the --token-file once read, so nothing the agent runs can find it (how `flotilla up` starts agents).")
    var consumeTokenFile = false

    @OptionGroup var client: ClientOptions

    @OptionGroup(title: "Model executors (openai, ollama)") var models: ModelOptions

    func validate() throws {
        guard tokenFile != nil || !consumeTokenFile else { throw ValidationError("--consume-token-file needs --token-file.") }
        guard concurrency >= 1, concurrency <= 1024 else {
            throw ValidationError("--concurrency must be between 1 and 1024.")
        }
        guard outputRate >= 0 else { throw ValidationError("--output-rate cannot be negative (0 streams no output).") }
        guard drainGraceSeconds >= 0 else { throw ValidationError("--drain-grace-seconds cannot be negative.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error.") }
    }

    func run() async throws {
        let roles = role.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let workdir = URL(fileURLWithPath: self.workdir ?? FileManager.default.currentDirectoryPath).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        var logger = Logger(label: "flotilla.agent")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let settings = LLMSettings(
            binary: executorBin, model: model,
            allowedTools: allowedTools.map { $0.split(separator: ",").map(String.init) } ?? [],
            permissionMode: permissionMode, autoApprove: autoApprove,
            commandTemplate: commandTemplate.map(CommandLineWords.split) ?? []
        )
        let configured: [any Executor]
        do {
            configured = try executor.split(separator: ",").map { try AgentCommand.makeExecutor(String($0), settings: settings, models: models) }
        } catch let error as AgentError {
            throw ValidationError(error.message)
        }
        let executors = try Self.available(configured)
        let id = agentID ?? AgentConfiguration.generatedID(name: name ?? roles.first ?? "agent", workdir: workdir)
        var configuration = AgentConfiguration(agentID: id, roles: roles, capabilities: capabilities.split(separator: ",").map(String.init), concurrency: concurrency, workdir: workdir, swarm: swarm)
        configuration.drainGrace = .milliseconds(Int(drainGraceSeconds * 1000))
        configuration.output.bytesPerSecond = outputRate
        let routes: [Complexity: String]
        do { routes = try models.route.map { try ExecutorRouter.parseRoutes($0, executors: executors.map(\.name)) } ?? [:] } catch let error as AgentError {
            throw ValidationError(error.message)
        }
        let runner = AttemptRunner(
            router: ExecutorRouter(executors: executors, routes: routes), workspaces: WorkspaceManager(root: workdir),
            verifier: Verifier(), workdir: workdir, logger: logger
        )
        let transport: any AgentTransport
        if let broker = broker ?? (mqtt ? Self.defaultBroker : nil) {
            let probe = MQTTTransport(broker: broker, swarm: swarm ?? "flotilla", agentID: id, credentials: .placeholder)
            do { try probe.validate() } catch { throw ValidationError(SecretRedactor.redact(error.message)) }
            let token = try agentToken()
            let key = hubKey ?? ProcessInfo.processInfo.environment["FLOTILLA_HUB_KEY"]
            guard let key, let credentials = MQTTCredentials(token: token, hubKey: key) else {
                throw ValidationError("An MQTT agent proves itself with a token bound to its agent id (--token-file, --token or FLOTILLA_TOKEN; make one with `flotilla token create --agent-id \(id)`) and checks the hub with the hub's key (--hub-key or FLOTILLA_HUB_KEY: the 'hub key' token create prints)\(key == nil ? "; no hub key given" : "; the token or the key is malformed").")
            }
            transport = MQTTTransport(broker: broker, swarm: swarm ?? "flotilla", agentID: id, credentials: credentials)
        } else {
            transport = WebSocketTransport(hub: client.resolvedURL, token: try agentToken(), caFile: client.resolvedCAFile)
        }
        let runtime = AgentRuntime(configuration: configuration, transport: transport, runner: runner, logger: logger)
        logger.info("agent \(id) (roles \(roles.joined(separator: ",")), executors \(executors.map(\.name).joined(separator: ","))) → \(transport.endpoint)")
        let signals = ShutdownSignals.stream()
        let signalLogger = logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var count = 0
                for await number in signals {
                    count += 1
                    signalLogger.notice("signal \(number): \(count == 1 ? "draining" : "releasing work in hand")")
                    if count == 1 { runtime.drain() } else { runtime.releaseNow() }
                }
            }
            await runtime.run()
            group.cancelAll()
        }
        if let refusal = runtime.refusal {
            if refusal.code == .unauthorized {
                throw Console.fail("unauthorized: the hub refused this token (looked in \(tokenSource)): \(refusal.message)")
            }
            throw Console.fail("error: the hub refused agent \(id): \(refusal.message)")
        }
    }

    /// Where the agent's token comes from: --token-file, --token or FLOTILLA_TOKEN. Never the
    /// hub's admin token file: an agent runs what tasks say, with a token that can only be it.
    var tokenSource: String {
        if let tokenFile { return tokenFile }
        if client.token != nil { return "--token" }
        return "env FLOTILLA_TOKEN"
    }

    /// The agent's token, or exit 1 saying how to get one.
    func agentToken() throws -> String {
        if let tokenFile { return try Self.readToken(tokenFile, consume: consumeTokenFile) }
        if let token = client.token ?? Environment.value("FLOTILLA_TOKEN") { return token }
        throw Console.fail("error: no agent token: pass --token-file, --token or env FLOTILLA_TOKEN with a token made for this agent (`flotilla token create --name ID --agent-id ID`; `flotilla up` makes one per agent). The agent never uses the hub's admin token file.")
    }

    /// The token in `path` (deleted when `consume`), or exit 1 naming the file.
    static func readToken(_ path: String, consume: Bool) throws -> String {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Console.fail("error: cannot read the token file \(path) (`flotilla up` writes it when it starts or restarts the agent)")
        }
        guard let token = TokenFile.read(path) else { throw Console.fail("error: the token file \(path) is empty") }
        if consume { try? FileManager.default.removeItem(atPath: path) }
        return token
    }

    /// The executors whose program is installed: each missing one is named in a warning and not
    /// offered (tasks it would take go to the others); none left is an error.
    static func available(_ executors: [any Executor]) throws -> [any Executor] {
        var kept: [any Executor] = []
        for executor in executors {
            if let program = executor.program, ProgramLookup.find(program) == nil {
                Console.printError("warning: executor \(executor.name): `\(program)` is not on PATH; this agent does not offer \(executor.name)")
                continue
            }
            kept.append(executor)
        }
        guard !kept.isEmpty else {
            throw Console.fail("error: bad_configuration: no executor left to offer: the programs of \(executors.map(\.name).joined(separator: ", ")) are not installed (see the warnings above); install one or pass --executor-bin PATH.")
        }
        return kept
    }

    static func makeExecutor(_ name: String, settings: LLMSettings, models: ModelOptions) throws -> any Executor {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard ExecutorNames.contains(name) else {
            throw AgentError(.badConfiguration, "No executor named '\(name)'. Known executors: \(ExecutorNames.listed).")
        }
        switch name {
        case "shell": return ShellExecutor()
        case "claude": return ClaudeExecutor(settings: settings)
        case "codex": return CodexAppServerExecutor(settings: settings)
        case "gemini": return GeminiACPExecutor(settings: settings)
        case "openai", "ollama": return ModelExecutor(settings: try models.settings(ModelDialect(rawValue: name)!, model: settings.model))
        case let other: return try TemplateExecutor.preset(other, settings: settings)
        }
    }
}
