import FlotillaAgent
import FlotillaClient
import FlotillaCore
import Foundation
import ServiceLifecycle

/// The moving part of `flotilla demo`, run beside the hub in one service group: once the hub
/// listens it starts the agents (real `flotilla agent` processes, each with a token of its
/// own), prints where to look, submits a round of tasks every few seconds, and on shutdown
/// (Ctrl-C, SIGTERM, `--seconds`) stops the agents before the hub goes.
struct DemoService: Service {
    let root: String
    let host: String
    let scheme: String
    let adminTokenPath: String
    let ports: AsyncStream<Int>
    let seconds: Double?
    let interval: Double
    let tasks: Bool
    let executable: String

    func run() async throws {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        let baseURL = "\(scheme)://\(host):\(port)"
        let admin = try String(contentsOfFile: adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HubClient(baseURL: baseURL, token: admin)
        let agents = try await DemoScenario.agents.asyncMap { agent in
            try await launchSpec(for: agent, client: client, baseURL: baseURL)
        }
        let stop = StopSignal()
        let printer = DemoPrinter()
        await withTaskGroup(of: Void.self) { group in
            for (agent, spec) in zip(DemoScenario.agents, agents) {
                group.addTask {
                    let outcome = try? await ProcessRunner.run(spec, stop: stop)
                    // An agent that ends before the demo stops it is worth a line: it says why.
                    if stop.reason == nil {
                        printer.warn("agent \(agent.id) exited: \(outcome?.combinedTail.suffix(400) ?? "could not start \(executable)")")
                    }
                }
            }
            let link = await signInLink(client: client, baseURL: baseURL)
            printer.banner(baseURL: baseURL, link: link, root: root, adminTokenPath: adminTokenPath, seconds: seconds)
            try? await cancelWhenGracefulShutdown {
                try await trickle(client: client, printer: printer)
            }
            printer.note("stopping the agents and the hub…")
            stop.fire(.released)
            await group.waitForAll()
        }
    }

    /// Submits a round every `interval` seconds (none with `--no-tasks`) until `--seconds`
    /// have passed or the task is cancelled by a shutdown.
    private func trickle(client: HubClient, printer: DemoPrinter) async throws {
        let started = ContinuousClock.now
        let deadline = seconds.map { started + .milliseconds(Int64($0 * 1000)) }
        let scenario = DemoScenario(markerDirectory: root + "/markers")
        var round = 0
        while deadline.map({ ContinuousClock.now < $0 }) ?? true {
            if tasks {
                round += 1
                do {
                    _ = try await client.submit(batch: scenario.round(round), minimal: true)
                    let stats = try? await client.stats()
                    printer.round(round, scenario: scenario, stats: stats)
                } catch {
                    printer.warn("round \(round) was not submitted: \(error)")
                }
            }
            let pause = Duration.milliseconds(Int64(interval * 1000))
            let next = deadline.map { min(ContinuousClock.now + pause, $0) } ?? ContinuousClock.now + pause
            try await Task.sleep(until: next, clock: .continuous)
        }
    }

    /// An agent token bound to the agent's id and role, in a 0600 file the agent deletes once
    /// read, and the command line that starts it.
    private func launchSpec(for agent: DemoScenario.Agent, client: HubClient, baseURL: String) async throws -> ProcessSpec {
        let minted = try await client.createToken(name: "demo:\(agent.id)", scope: "agent", role: agent.role, agentID: agent.id)
        guard let token = minted["token"]?.stringValue else {
            throw FlotillaError(.internalError, "The demo hub minted no token for \(agent.id).")
        }
        let tokenFile = "\(root)/tokens/\(agent.id).token", workdir = "\(root)/agents/\(agent.id)"
        try FileManager.default.createDirectory(atPath: "\(root)/tokens", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: tokenFile, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let argv = [
            executable, "agent", "--hub", baseURL, "--token-file", tokenFile, "--consume-token-file",
            "--agent-id", agent.id, "--role", agent.role, "--executor", "shell", "--workdir", workdir,
            "--drain-grace-seconds", "1", "--log-level", "warning",
        ]
        // The agent runs our own code: it keeps this environment (minus FLOTILLA_* credentials).
        return ProcessSpec(argv: argv, workingDirectory: workdir, tailBytes: 4096, leftoverGrace: .seconds(2)).keepingAgentEnvironment()
    }

    /// A one-time sign-in link as the admin (valid for an hour), or nil when this hub has no
    /// `/api/dashboard/links`.
    private func signInLink(client: HubClient, baseURL: String) async -> String? {
        guard let answer = try? await client.send(.POST, "/api/dashboard/links", body: ["ttl_seconds": 3600], timeout: .seconds(5)),
              let path = answer.body["path"]?.stringValue else { return nil }
        return baseURL + path
    }
}

extension Array {
    /// `map` with an async transform, one element after the other.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
