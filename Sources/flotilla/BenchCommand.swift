import ArgumentParser
import FlotillaBench
import FlotillaCore
import Foundation

/// `flotilla bench`: the hub's benchmarks. Without a subcommand, `throughput`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the hub: throughput and round trips (default), the dashboard's load, live output's cost, workflows, or the model agent loop's own overhead.",
        subcommands: [BenchThroughputCommand.self, BenchDashboardCommand.self, OutputBenchCommand.self, BenchWorkflowCommand.self, AgentLoopBenchCommand.self],
        defaultSubcommand: BenchThroughputCommand.self
    )
}

/// `flotilla bench [throughput]`: submits no-op tasks through the batch API, drains them with
/// WebSocket agents, then measures one-at-a-time round trips (submit → completion seen by the
/// submitter). The benchmark itself is the FlotillaBench library's.
struct BenchThroughputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
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
    @Flag(name: .customLong("with-cost"), help: "The agents report a cost with each result, as LLM agents do: every task writes a cost ledger line (docs/costs.md).") var withCost = false
    @Flag(name: .customLong("with-unread-cost"), help: "The agents' results carry the same bytes as --with-cost under a key the hub does not read: the baseline that tells the ledger's own cost (docs/costs.md).") var withUnreadCost = false

    func run() async throws {
        var benchmark = Benchmark(tasks: tasks, agents: agents, concurrency: concurrency, batch: batch, submitters: submitters, roundTrips: roundTrips)
        guard !(withCost && withUnreadCost) else {
            throw ValidationError("--with-cost and --with-unread-cost are two sides of one comparison: run them one after the other.")
        }
        benchmark.results = withCost ? .cost : withUnreadCost ? .unreadCost : .empty
        let (report, hubDescription): (BenchReport, String)
        if let hub {
            let token = self.token ?? ProcessInfo.processInfo.environment["FLOTILLA_TOKEN"]
            (report, hubDescription) = (try await benchmark.run(hub: hub, token: token), hub)
        } else {
            (report, hubDescription) = try await benchmark.runEmbedded()
        }
        if json {
            print(report.json.jsonString)
        } else {
            print("flotilla bench — \(tasks) no-op tasks, \(agents) agents × concurrency \(concurrency), batches of \(batch); \(hubDescription)")
            print(report.text)
        }
    }
}
