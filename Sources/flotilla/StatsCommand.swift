import ArgumentParser
import FlotillaClient
import Foundation
import FlotillaCore

/// Shows queue depths, agent states, throughput and latency.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show task counts, lane depths, agents, throughput and latency."
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let stats = try await client.call { try await $0.stats() }
        if client.json {
            Console.print(stats.jsonString)
            return
        }
        let order = ["blocked", "queued", "assigned", "running", "succeeded", "failed", "dead", "cancelled", "expired"]
        Console.print("tasks:  " + Self.counts(stats["tasks"]?["by_state"], order: order))
        let agentOrder = ["idle", "assigned", "working", "draining", "offline"]
        Console.print("agents: total \(Console.cell(stats["agents"]?["total"])) (" + Self.counts(stats["agents"]?["by_state"], order: agentOrder) + ")")
        let rate = stats["completed_per_second"]?.doubleValue ?? 0
        Console.print("completed per second: " + Self.format(rate))
        if let latency = stats["latency_seconds"], !latency.isNull {
            let parts = ["p50", "p90", "p99"].map { "\($0) \(Self.format(latency[$0]?.doubleValue ?? 0))s" }
            Console.print("latency: " + parts.joined(separator: "  "))
        } else {
            Console.print("latency: -")
        }
        Console.print("last event seq: \(Console.cell(stats["events"]?["last_seq"]))")
        let lanes = stats["lanes"]?.arrayValue ?? []
        if !lanes.isEmpty {
            Console.print("")
            let rows = lanes.map { lane in
                [Console.cell(lane["role"]), Console.cell(lane["priority"]), Console.cell(lane["capabilities"]), Console.cell(lane["depth"])]
            }
            Console.table(["ROLE", "PRIORITY", "CAPABILITIES", "DEPTH"], rows)
        }
    }

    /// `name count` pairs in `order`, then any other keys alphabetically.
    static func counts(_ value: JSONValue?, order: [String]) -> String {
        let object = value?.objectValue ?? [:]
        let keys = order.filter { object[$0] != nil } + object.keys.sorted().filter { !order.contains($0) }
        return keys.map { "\($0) \(Console.cell(object[$0]))" }.joined(separator: " · ")
    }

    static func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
