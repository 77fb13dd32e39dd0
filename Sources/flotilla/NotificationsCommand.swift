import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Lists notification deliveries and their outcomes (`GET /api/notifications`).
struct NotificationsCommand: HubAnswerCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "List notifications sent to people (webhook, Slack, ntfy, command) and their outcome, newest first."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Only deliveries in this state: pending, delivered, failed, suppressed or all.")
    var status: String = "all"

    @Option(help: "How many, at most (1 to 500).")
    var limit: Int = 50

    func ask(_ hub: HubClient) async throws -> JSONValue {
        try await hub.notifications(query: ["status": status, "limit": String(limit)])
    }

    func show(_ answer: JSONValue) throws {
        let rows = (answer["notifications"]?.arrayValue ?? []).map { delivery in
            [
                delivery["id"]?.stringValue ?? "-",
                delivery["created_at"]?.stringValue ?? "-",
                delivery["event_type"]?.stringValue ?? "-",
                delivery["target"]?.stringValue ?? "-",
                delivery["status"]?.stringValue ?? "-",
                String(delivery["attempts"]?.intValue ?? 0),
                delivery["last_error"]?.stringValue.map { String($0.prefix(60)) } ?? "",
            ]
        }
        if rows.isEmpty {
            Console.print("no notifications\(status == "all" ? "" : " \(status)")")
            return
        }
        Console.table(["ID", "CREATED", "EVENT", "TARGET", "STATUS", "ATTEMPTS", "LAST ERROR"], rows)
    }
}
