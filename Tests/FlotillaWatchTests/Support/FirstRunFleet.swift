import FlotillaClient
import FlotillaCore
import FlotillaTmux
import Foundation
import Subprocess
import SystemPackage

/// A fresh project directory (a git repository with no `.flotilla/`) holding a fleet file whose
/// hub `flotilla up` starts on a free port, on a tmux socket of its own. `flotilla stop` and a
/// killed tmux server clean up whatever happens.
struct FirstRunFleet: Sendable {
    let directory: String
    let file: String
    let socket: String
    let port: Int

    var hubURL: String { "http://127.0.0.1:\(port)" }
    var dataDirectory: String { directory + "/.flotilla" }
    var tmux: Tmux { Tmux(configuration: TmuxConfiguration(socketName: socket)) }

    /// The admin token the hub wrote on its first start.
    var adminToken: String? {
        (try? String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var client: HubClient { HubClient(baseURL: hubURL, token: adminToken) }

    static func with<Value: Sendable>(
        _ name: String = #function,
        agents: String,
        hub: String? = nil,
        _ body: (FirstRunFleet) async throws -> Value
    ) async throws -> Value {
        let clean = name.filter { $0.isLetter || $0.isNumber }.prefix(16)
        let socket = "flotilla-first-\(clean)-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let directory = NSTemporaryDirectory() + socket
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let initialized = try await UpWatchTests.run("/usr/bin/git", ["init", "-q", directory])
        guard initialized.status == 0 else { throw TestFailure("git init: \(initialized.output)") }
        let port = try UpWatchTests.freePort()
        let fleet = FirstRunFleet(directory: directory, file: directory + "/flotilla.yaml", socket: socket, port: port)
        try """
            session: first
            socket: \(socket)
            hub: \(hub ?? "{url: 'http://127.0.0.1:\(port)'}")
            supervisor: {restart_backoff: 0.3, restart_backoff_max: 2}
            agents:
            \(agents)
            """.write(toFile: fleet.file, atomically: true, encoding: .utf8)
        do {
            let value = try await body(fleet)
            await fleet.tearDown()
            try? FileManager.default.removeItem(atPath: directory)
            return value
        } catch {
            await fleet.tearDown()
            throw error
        }
    }

    func tearDown() async {
        _ = try? await UpWatchTests.flotilla(["stop", "-f", file, "--grace", "1"])
        await tmux.killServer()
        // The agents' own directories live outside the project (under the user's state directory).
        if let root = try? FleetFile.load(path: file).agentsRoot {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path)
        }
    }

    /// Fleet agents registered with the hub and not offline (`/api/agents` also lists agents only
    /// watched in panes, such as one that never got as far as registering).
    func onlineAgents() async -> Set<String> {
        guard adminToken != nil, let agents = try? await client.agents() else { return [] }
        return Set(agents.filter { $0["source"] == "hub" && $0["state"] != "offline" }.compactMap { $0["id"]?.stringValue })
    }

    /// The supervisor's log so far (for failure messages and checks).
    var supervisorLog: String {
        (try? String(contentsOfFile: dataDirectory + "/logs/fleet/supervisor.log", encoding: .utf8)) ?? ""
    }

    func log(_ agent: String) -> String {
        (try? String(contentsOfFile: dataDirectory + "/logs/\(agent).log", encoding: .utf8)) ?? ""
    }
}

extension UpWatchTests {
    /// Runs any program without blocking a cooperative thread.
    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await Subprocess.run(
            .path(FilePath(program)), arguments: Arguments(arguments), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20)
        )
        let status: Int32 = if case .exited(let code) = result.terminationStatus { Int32(code) } else { -1 }
        return (status, (result.standardOutput ?? "") + (result.standardError ?? ""))
    }
}
