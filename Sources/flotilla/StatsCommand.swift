import ArgumentParser
import FlotillaClient
import Foundation
import FlotillaCore

/// Shows queue depths, agent states, throughput and latency.
struct StatsCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show task counts, lane depths, agents, throughput and latency."
    )

    @OptionGroup var client: ClientOptions

    func ask(_ hub: HubClient) async throws -> JSONValue { try await hub.stats() }

    func show(_ answer: JSONValue) throws {
        let stats = try HubStats(json: answer)
        Console.print("tasks:  " + Self.counts(TaskState.allCases.map { ($0.rawValue, stats.tasksByState[$0]) }))
        let agents = Self.counts(AgentState.allCases.map { ($0.rawValue, stats.agentsByState[$0]) })
        Console.print("agents: total \(stats.agentsTotal) (" + agents + ")")
        Console.print("completed per second: " + Self.format(stats.completedPerSecond))
        if let latency = stats.latency {
            let parts = [("p50", latency.p50), ("p90", latency.p90), ("p99", latency.p99)].map { "\($0) \(Self.format($1))s" }
            Console.print("latency: " + parts.joined(separator: "  "))
        } else {
            Console.print("latency: -")
        }
        Console.print("last event seq: \(stats.lastSeq)")
        if !stats.lanes.isEmpty {
            Console.print("")
            let rows = stats.lanes.map { lane in
                [lane.role, lane.priority.rawValue, lane.capabilities.isEmpty ? "-" : lane.capabilities.joined(separator: ","), String(lane.depth)]
            }
            Console.table(["ROLE", "PRIORITY", "CAPABILITIES", "DEPTH"], rows)
        }
    }

    /// `name count` pairs, in the order given, for the states the hub counted.
    static func counts(_ pairs: [(String, Int?)]) -> String {
        pairs.compactMap { name, count in count.map { "\(name) \($0)" } }.joined(separator: " · ")
    }

    static func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
