import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Logging

/// The hub benchmark behind `flotilla bench`: no-op tasks submitted through the batch API and
/// drained by WebSocket agents (``BenchThroughput``), then one-at-a-time round trips, submit →
/// completion seen by the submitter (``BenchRoundTrip``).
public struct Benchmark: Sendable {
    /// No-op tasks for the throughput run.
    public var tasks: Int
    /// WebSocket agents draining them, each holding up to `concurrency` tasks at once.
    public var agents: Int
    public var concurrency: Int
    /// Tasks per batch submission, and batch submissions in flight at once.
    public var batch: Int
    public var submitters: Int
    /// One-at-a-time round trips to time.
    public var roundTrips: Int
    /// What the agents' results carry (`--with-cost`, `--with-unread-cost`).
    public var results = BenchResults.empty

    public init(tasks: Int, agents: Int, concurrency: Int, batch: Int, submitters: Int, roundTrips: Int) {
        self.tasks = tasks
        self.agents = agents
        self.concurrency = concurrency
        self.batch = batch
        self.submitters = submitters
        self.roundTrips = roundTrips
    }

    /// Measures an already running hub at a plain http:// URL.
    public func run(hub: String, token: String?) async throws -> BenchReport {
        try await measure(client: HubClient(baseURL: hub, token: token))
    }

    /// Measures a hub started in this process on a fresh data directory (SQLite, WAL, durable as
    /// usual), removed afterwards; `hub` describes where it kept its data.
    public func runEmbedded() async throws -> (report: BenchReport, hub: String) {
        let directory = NSTemporaryDirectory() + "flotilla-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "flotilla.bench")
        logger.logLevel = .error
        let configuration = HubConfiguration(port: 0, dataDirectory: directory, maxBodySize: 64 << 20)
        let report = try await Hub.serve(configuration: configuration, logger: logger) { served in
            try await measure(client: HubClient(baseURL: served.baseURL, token: served.adminToken))
        }
        return (report, "embedded hub, SQLite WAL in \(directory)")
    }

    private func measure(client: HubClient) async throws -> BenchReport {
        let throughput = try await BenchThroughput(client: client, settings: self).run()
        let latencies = try await BenchRoundTrip(client: client, count: roundTrips).run()
        return BenchReport(benchmark: self, throughput: throughput, latencies: latencies)
    }
}
