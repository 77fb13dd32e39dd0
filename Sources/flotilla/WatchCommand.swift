import ArgumentParser
import FlotillaClient
import FlotillaCore
import Foundation

/// Follows the hub's event log live, reconnecting and resuming from the last event seen
/// if the stream drops (for example while the hub restarts).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print live events, one per line, until interrupted.",
        discussion: "Lines read: <seq> <ts> <type> task=<task_id> agent=<agent_id> <data>."
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "Start after this event sequence number (default: only new events).")
    var since: Int64?

    @Option(help: ArgumentHelp("Only event types starting with one of these comma-separated prefixes.", valueName: "task.,agent."))
    var types: String?

    func validate() throws {
        if let since, since < 0 { throw ValidationError("--since must not be negative.") }
    }

    func run() async throws {
        let prefixes = (types ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let hub = client.makeClient()
        // Without --since, start at the hub's newest event, so a reconnect resumes from there
        // (and this first call reports an unreachable hub or a bad token clearly).
        var last = since
        if last == nil {
            last = try await client.call { try await $0.hubStats() }.lastSeq
        }
        while true {
            do {
                for try await event in hub.events(since: last, types: prefixes) {
                    last = event.seq
                    Console.print(client.json ? event.json.jsonString : Self.line(event))
                }
                Console.printError("watch: the hub closed the stream; reconnecting")
            } catch is CancellationError {
                return
            } catch let failure as HubClient.Failure {
                throw ClientOptions.report(failure, hubURL: client.resolvedURL)
            } catch {
                Console.printError("watch: lost the hub at \(client.resolvedURL) (\(Self.brief(error))); reconnecting")
            }
            try await _Concurrency.Task.sleep(for: .seconds(1))
        }
    }

    /// A one-line description of a connection error.
    static func brief(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.localizedCaseInsensitiveContains("refused") ? "connection refused" : text
    }

    static func line(_ event: StreamedEvent) -> String {
        let record = event.event
        return "\(record.seq) \(Timestamp.iso8601(record.ts)) \(record.type) task=\(record.taskID ?? "-") agent=\(record.agentID ?? "-") \(record.data.jsonString)"
    }
}
