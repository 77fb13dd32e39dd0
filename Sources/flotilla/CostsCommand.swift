import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Shows the cost ledger's totals (`GET /api/costs`).
struct CostsCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "costs",
        abstract: "Show what attempts spent (USD, tokens), grouped by agent, role, type, day, task, model or executor."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Group by agent, role, type, day, task, model, executor or goal.")
    var by: String = "agent"

    @Option(help: ArgumentHelp("Only what was recorded since then: an ISO-8601 time (2026-12-04 or 2026-12-04T09:00:00Z) or a duration back (30m, 24h, 7d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only what was recorded before then (same forms as --since).", valueName: "time"))
    var until: String?

    func ask(_ hub: HubClient) async throws -> JSONValue {
        var query = ["by": by]
        if let since { query["since"] = since }
        if let until { query["until"] = until }
        return try await hub.costs(query: query)
    }

    func show(_ answer: JSONValue) throws {
        let by = answer["by"]?.stringValue ?? by
        let rows = (answer["totals"]?.arrayValue ?? []).map { total in
            [total["key"]?.stringValue ?? "-"] + Self.figures(total)
        }
        let window = [answer["since"]?.stringValue.map { "since \($0)" }, answer["until"]?.stringValue.map { "until \($0)" }].compactMap { $0 }
        if !window.isEmpty { Console.print(window.joined(separator: " ")) }
        Console.table([by.uppercased(), "USD", "INPUT", "OUTPUT", "CACHED", "ATTEMPTS"], rows + [["total"] + Self.figures(answer["total"] ?? [:])])
    }

    static func figures(_ total: JSONValue) -> [String] {
        [
            String(format: "%.4f", total["usd"]?.doubleValue ?? 0),
            String(total["input_tokens"]?.intValue ?? 0),
            String(total["output_tokens"]?.intValue ?? 0),
            String(total["cached_tokens"]?.intValue ?? 0),
            String(total["attempts"]?.intValue ?? 0),
        ]
    }
}
