import ArgumentParser
import FlotillaBench
import FlotillaCore
import Foundation

/// `flotilla bench dashboard`: the dashboard's first load and the task list's next page, with
/// a big stored history and a big connected fleet (the FlotillaBench library's
/// `DashboardBench`).
struct BenchDashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Measure the dashboard's first load and the task list's paging on a big hub.",
        discussion: "Starts its own hub in this process on a fresh data directory seeded with --tasks stored tasks, connects --agents WebSocket agents, then times first loads (GET / and the views' first data calls, 6 at a time) and next pages. Build with -c release for meaningful figures."
    )

    @Option(help: "Tasks in the store.") var tasks = 100_000
    @Option(help: "Connected WebSocket agents.") var agents = 1_000
    @Option(help: "First loads to time.") var loads = 20
    @Option(help: "Next pages of each kind to time.") var pages = 50
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard tasks >= 200, agents >= 1, loads >= 1, pages >= 1 else {
            throw ValidationError("--tasks must be at least 200 (two pages of every kind), --agents, --loads and --pages at least 1.")
        }
    }

    func run() async throws {
        var bench = DashboardBench(tasks: tasks, agents: agents, loads: loads, pages: pages)
        bench.progress = { step in FileHandle.standardError.write(Data((step + "…\n").utf8)) }
        let (report, hub) = try await bench.runEmbedded()
        if json {
            print(report.json.jsonString)
        } else {
            print("flotilla bench dashboard — \(tasks) stored tasks, \(agents) connected agents; \(hub)")
            print(report.text)
        }
    }
}
