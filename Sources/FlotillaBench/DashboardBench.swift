import FlotillaClient
import FlotillaCore
import FlotillaHub
import FlotillaStore
import NIOCore
import NIOHTTP1
import Foundation
import Logging

/// `flotilla bench dashboard`: how fast the dashboard answers with a big history and a big
/// fleet. An embedded hub opens a store seeded with `tasks` tasks (``DashboardSeed``) while
/// `agents` WebSocket agents stay connected; then, timed:
/// - the first load, as a browser makes it: `GET /` (the page), then the first data calls of
///   the Overview and Tasks views six at a time (a browser's connections per host);
/// - the task list's next page (`cursor`), alone, with a state filter and with a search.
public struct DashboardBench: Sendable {
    public var tasks: Int
    public var agents: Int
    /// First loads to time, and next pages of each kind.
    public var loads: Int
    public var pages: Int
    /// Told what the benchmark is doing (seeding, connecting, timing), for a person watching.
    public var progress: @Sendable (String) -> Void = { _ in }

    public init(tasks: Int = 100_000, agents: Int = 1_000, loads: Int = 20, pages: Int = 50) {
        self.tasks = tasks
        self.agents = agents
        self.loads = loads
        self.pages = pages
    }

    /// The data calls of a first load (after the page itself), in the order the views make them.
    static let firstData = ["/auth/session", "/api/stats", "/api/stats/history?minutes=15", "/api/agents", "/api/tasks?limit=50"]

    public func runEmbedded() async throws -> (report: DashboardBenchReport, hub: String) {
        let directory = NSTemporaryDirectory() + "flotilla-bench-dashboard-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = HubConfiguration(port: 0, dataDirectory: directory)
        progress("seeding \(tasks) tasks")
        let seedStart = ContinuousClock.now
        try DashboardSeed(tasks: tasks, agents: agents).write(path: configuration.storeConfiguration.path)
        let seedSeconds = (ContinuousClock.now - seedStart).seconds
        // Room for the fleet's sockets beside the benchmark's own requests.
        configuration.limits.streamsPerToken = max(configuration.limits.streamsPerToken, agents + 64)
        configuration.limits.streamsTotal = max(configuration.limits.streamsTotal, agents + 64)
        var logger = Logger(label: "flotilla.bench")
        logger.logLevel = .error
        progress("opening the hub")
        let report = try await Hub.serve(configuration: configuration, logger: logger) { served in
            let client = HubClient(baseURL: served.baseURL, token: served.adminToken)
            var report = try await measure(client: client)
            report.seedSeconds = seedSeconds
            return report
        }
        return (report, "embedded hub, SQLite WAL in \(directory)")
    }

    private func measure(client: HubClient) async throws -> DashboardBenchReport {
        let run = UUID().uuidString.prefix(8)
        let (readyAgents, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<agents {
                group.addTask {
                    // A role no stored task has: the agents stay connected and idle.
                    let agent = BenchAgentSocket(url: client.socketURL, token: client.token, agentID: "bench-\(run)-\(index)", roles: ["bench-idle"], concurrency: 1)
                    do {
                        try await agent.run(ready: { readyContinuation.yield() }, completed: {})
                    } catch {
                        // Ends the wait for the fleet below, which then reports the failure.
                        readyContinuation.finish()
                        throw error
                    }
                }
            }
            progress("connecting \(agents) agents")
            var ready = readyAgents.makeAsyncIterator()
            for _ in 0..<agents {
                guard await ready.next() != nil else { try await group.next(); throw BenchFailure(message: "an agent could not connect") }
            }
            try await Self.waitForAgents(agents, client: client)
            progress("timing \(loads) first loads")

            var report = DashboardBenchReport(bench: self)
            let sessionServed = try await client.raw(.GET, "/auth/session").status != 404
            let paths = Self.firstData.filter { sessionServed || $0 != "/auth/session" }
            report.firstDataPaths = paths
            // One untimed load warms the connections and the database's page cache.
            _ = try await firstLoad(client: client, paths: paths)
            for _ in 0..<loads {
                let (total, calls) = try await firstLoad(client: client, paths: paths)
                report.firstLoads.append(total)
                for (path, seconds) in calls { report.firstLoadCalls[path, default: []].append(seconds) }
            }

            progress("timing next pages")
            let cursor = try await Self.cursor(client: client, query: "limit=50")
            for (name, query) in [
                ("next page", "limit=50&cursor=\(cursor)"),
                ("next page, state=succeeded", "limit=50&state=succeeded&cursor=\(try await Self.cursor(client: client, query: "limit=50&state=succeeded"))"),
                ("next page, q=flaky parser", "limit=50&q=flaky%20parser&cursor=\(try await Self.cursor(client: client, query: "limit=50&q=flaky%20parser"))"),
                ("search, rare text", "limit=50&q=no%20such%20words"),
            ] {
                var seconds: [Double] = []
                for _ in 0..<pages { seconds.append(try await Self.time(client: client, "/api/tasks?" + query)) }
                report.pages.append((name, seconds))
            }
            group.cancelAll()
            return report
        }
    }

    /// The page, then its data calls six at a time: seconds until the last answer, and each
    /// call's own seconds.
    private func firstLoad(client: HubClient, paths: [String]) async throws -> (Double, [(String, Double)]) {
        let start = ContinuousClock.now
        // Until the hub serves the dashboard's page, `/` answers a refused upgrade: still a
        // round trip through the router, which is what this step times.
        var calls = [("/", try await Self.time(client: client, "/", expecting: Set(200..<500)))]
        try await withThrowingTaskGroup(of: (String, Double).self) { group in
            var pending = paths[...]
            for _ in 0..<min(6, pending.count) {
                let path = pending.removeFirst()
                group.addTask { (path, try await Self.time(client: client, path)) }
            }
            while let call = try await group.next() {
                calls.append(call)
                if let path = pending.popFirst() { group.addTask { (path, try await Self.time(client: client, path)) } }
            }
        }
        return ((ContinuousClock.now - start).seconds, calls)
    }

    /// One GET's seconds; an unexpected status ends the benchmark.
    static func time(client: HubClient, _ path: String, expecting: Set<Int> = [200]) async throws -> Double {
        let start = ContinuousClock.now
        let (status, text) = try await client.raw(.GET, path, timeout: .seconds(60))
        guard expecting.contains(status) else { throw BenchFailure(message: "GET \(path) answered \(status): \(text.prefix(300))") }
        return (ContinuousClock.now - start).seconds
    }

    /// The `next_cursor` of the first page of `query`.
    static func cursor(client: HubClient, query: String) async throws -> String {
        let (_, text) = try await client.raw(.GET, "/api/tasks?" + query)
        guard let cursor = try JSONValue.parse(text)["next_cursor"]?.stringValue else {
            throw BenchFailure(message: "GET /api/tasks?\(query) has no next page")
        }
        return cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
    }

    /// Waits until the hub lists the fleet's agents as connected.
    static func waitForAgents(_ count: Int, client: HubClient) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let stats = try await client.stats()
            if Int(stats["agents"]?["total"]?.intValue ?? 0) - Int(stats["agents"]?["by_state"]?["offline"]?.intValue ?? 0) >= count { return }
            try await _Concurrency.Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure(message: "the hub did not list \(count) connected agents within 60 s")
    }
}
