import ArgumentParser
import FlotillaClient
import FlotillaCore
import FlotillaHub
import Foundation
import Logging

/// `flotilla bench`: submits no-op tasks through the batch API, drains them with WebSocket
/// agents, then measures one-at-a-time round trips (submit → completion seen by the submitter).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput (submitted/s, completed/s) and round-trip latency.",
        discussion: "Without --hub it starts its own hub in this process on a fresh data directory (SQLite, WAL, durable as usual). Build with -c release for meaningful figures."
    )

    @Option(help: "No-op tasks for the throughput run.") var tasks = 100_000
    @Option(help: "WebSocket agents draining them.") var agents = 4
    @Option(help: "Concurrency of each agent (tasks held at once).") var concurrency = 256
    @Option(help: "Tasks per batch submission.") var batch = 1000
    @Option(help: "Batch submissions in flight at once.") var submitters = 2
    @Option(name: .customLong("round-trips"), help: "One-at-a-time round trips to time.") var roundTrips = 2000
    @Option(help: "Benchmark an already running hub at this plain http:// URL instead of an embedded one.") var hub: String?
    @Option(help: "Admin token for --hub.") var token: String?
    @Flag(help: "Print the figures as JSON.") var json = false

    func run() async throws {
        if let hub {
            let token = self.token ?? ProcessInfo.processInfo.environment["FLOTILLA_TOKEN"]
            try await measure(client: HubClient(baseURL: hub, token: token), where: hub)
            return
        }
        let directory = NSTemporaryDirectory() + "flotilla-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "flotilla.bench")
        logger.logLevel = .error
        let configuration = HubConfiguration(port: 0, dataDirectory: directory, maxBodySize: 64 << 20)
        try await Hub.serve(configuration: configuration, logger: logger) { served in
            try await measure(client: HubClient(baseURL: served.baseURL, token: served.adminToken), where: "embedded hub, SQLite WAL in \(directory)")
        }
    }

    private func measure(client: HubClient, where hubDescription: String) async throws {
        let throughput = try await BenchThroughput(client: client, tasks: tasks, agents: agents, concurrency: concurrency, batch: batch, submitters: submitters).run()
        let latencies = try await BenchRoundTrip(client: client, count: roundTrips).run()
        let report = BenchReport(throughput: throughput, latencies: latencies)
        if json {
            print(report.json(tasks: tasks, agents: agents, concurrency: concurrency, batch: batch).jsonString)
        } else {
            print("flotilla bench — \(tasks) no-op tasks, \(agents) agents × concurrency \(concurrency), batches of \(batch); \(hubDescription)")
            print(report.text)
        }
    }
}
