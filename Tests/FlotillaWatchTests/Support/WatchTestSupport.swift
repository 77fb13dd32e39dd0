import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaTmux
import Foundation
import Logging
import Synchronization

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Fixture {
    /// The fake interactive TUI agent of the tmux tests (input box, spinner, approval prompt).
    static let fakeAgent = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FlotillaTmuxTests/Fixtures/fake_agent.py").path

    static func fakeAgentCommand(phase: Double = 0.6) -> String {
        "/usr/bin/python3 \(fakeAgent) --record rec-$FLOTILLA_AGENT_NAME.jsonl --busy 0.05 --phase \(phase) --init 0.5"
    }

    /// The prompts a fake agent recorded, in order.
    static func recorded(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["text"] as? String
        }
    }
}

/// A fleet started by `Fleet.up` on a tmux socket of its own, stopped (server killed) at the end.
struct TestFleet: Sendable {
    let fleet: Fleet
    let directory: String

    var socket: String { fleet.tmux.configuration.socketName }

    func recorded(_ agent: String) -> [String] { Fixture.recorded(directory + "/rec-\(agent).jsonl") }

    /// Writes `flotilla.yaml` (the `agents:` list is `agents`), starts it without a supervisor,
    /// runs `body`, and kills the tmux server whatever happens.
    static func with<Value: Sendable>(
        _ name: String = #function,
        agents: String,
        hub: String = "{url: 'http://127.0.0.1:1', start: false}",
        start: Bool = true,
        _ body: (TestFleet) async throws -> Value
    ) async throws -> Value {
        let clean = name.filter { $0.isLetter || $0.isNumber }.prefix(16)
        let socket = "flotilla-watch-\(clean)-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let directory = NSTemporaryDirectory() + socket
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/flotilla.yaml"
        try """
            session: fleet
            socket: \(socket)
            hub: \(hub)
            supervisor: {restart_backoff: 0.2, restart_backoff_max: 1}
            agents:
            \(agents)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let fleet = TestFleet(fleet: try Fleet(path: file, flotilla: "flotilla"), directory: directory)
        do {
            if start { _ = try await fleet.fleet.up(supervisor: false) }
            let value = try await body(fleet)
            await fleet.fleet.tmux.killServer()
            try? FileManager.default.removeItem(atPath: directory)
            return value
        } catch {
            await fleet.fleet.tmux.killServer()
            throw error
        }
    }
}

/// A real hub on an ephemeral port that watches a fleet's tmux socket (or nothing).
struct WatchHub: Sendable {
    let hub: Hub
    let client: HubClient
    let adminToken: String
    let port: Int

    static func run<Value: Sendable>(
        socket: String?,
        stuckAfter: Duration = .seconds(300),
        typing: TypingConfiguration = WatchHub.typing,
        maxCommandBytes: Int = 64 * 1024,
        adopt: [String] = [],
        configure: (inout HubConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (WatchHub) async throws -> Value
    ) async throws -> Value {
        let directory = NSTemporaryDirectory() + "flotilla-watch-hub-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let watch = socket.map {
            var watch = WatchConfiguration(
                tmux: TmuxConfiguration(socketName: $0), discoveryInterval: .milliseconds(200),
                tracking: .init(settle: .milliseconds(150), stuckAfter: stuckAfter), typing: typing, maxCommandBytes: maxCommandBytes
            )
            watch.adoptSessions = adopt
            return watch
        }
        var configuration = HubConfiguration(port: 0, dataDirectory: directory, tickInterval: 0.05, watch: watch)
        configure(&configuration)
        var logger = Logger(label: "test.watch-hub")
        logger.logLevel = .warning
        return try await Hub.serve(configuration: configuration, logger: logger) { served in
            let client = HubClient(baseURL: served.baseURL, token: served.adminToken)
            return try await body(WatchHub(hub: served.hub, client: client, adminToken: served.adminToken, port: served.port))
        }
    }

    static let typing = TypingConfiguration(settle: .milliseconds(100), readyTimeout: .seconds(20), submitGrace: .milliseconds(400))

    /// GET `path`; returns status and parsed body whatever the status.
    func get(_ path: String, token: String? = nil) async throws -> (status: Int, json: JSONValue) {
        var client = self.client
        if let token { client.token = token }
        let (status, text) = try await client.raw(.GET, path)
        return (status, (try? JSONValue.parse(text)) ?? .string(text))
    }

    /// POST `body` to `path`; returns status and parsed body whatever the status.
    func post(_ path: String, _ body: String?, token: String? = nil) async throws -> (status: Int, json: JSONValue) {
        var client = self.client
        if let token { client.token = token }
        let (status, text) = try await client.raw(.POST, path, body: body)
        return (status, (try? JSONValue.parse(text)) ?? .string(text))
    }
}

/// The hub's `agent.*` events, read from `/api/events` (SSE) as they arrive.
final class EventLog: Sendable {
    private let events = Mutex([StreamedEvent]())

    /// Reads the stream into the log until cancelled.
    func follow(_ client: HubClient) async {
        do {
            for try await event in client.events(since: 0, types: ["agent."]) {
                events.withLock { $0.append(event) }
            }
        } catch {}
    }

    var all: [StreamedEvent] { events.withLock { $0 } }

    func of(_ agent: String, _ type: String) -> [JSONValue] {
        all.filter { $0.type == type && $0.json["agent_id"]?.stringValue == agent }.map { $0.json["data"] ?? .null }
    }

    /// The screen states `agent` went through, in order.
    func states(_ agent: String) -> [String] {
        of(agent, "agent.screen_state").compactMap { $0["to"]?.stringValue }
    }

    /// Waits until `condition` holds for the events seen so far; throws after `seconds`.
    func wait(_ what: String, within seconds: Double = 15, _ condition: (EventLog) -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out after \(seconds)s waiting for \(what); events: \(all.map { "\($0.type)(\($0.json["agent_id"]?.stringValue ?? "-")) \($0.json["data"]?.jsonString ?? "")" })")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Whether `wanted` appears in `seen` in order (other items may sit between).
func isSubsequence(_ wanted: [String], of seen: [String]) -> Bool {
    var index = wanted.startIndex
    for item in seen where index < wanted.endIndex && item == wanted[index] { index += 1 }
    return index == wanted.endIndex
}
