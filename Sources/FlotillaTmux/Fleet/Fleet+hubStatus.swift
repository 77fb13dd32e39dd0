public import FlotillaCore
import Foundation

extension Fleet.AgentStatus {
    /// Puts the hub's view of this agent into the row: a `flotilla agent` pane's screen says
    /// nothing about its work (it reads `initializing` forever), the hub knows its state, the
    /// task it holds and when it was last heard from.
    ///
    /// - Parameters:
    ///   - agent: the agent as `GET /api/agents` lists it.
    ///   - tasks: the tasks it holds, by id, as `GET /api/tasks/{id}` answers (for the type and
    ///     progress); a held task missing here is shown by id only.
    ///   - now: seconds since 1970, for the heartbeat's age.
    public mutating func merge(hubAgent agent: JSONValue, tasks: [String: JSONValue], now: Double) {
        source = "hub"
        if let state = agent["state"]?.stringValue {
            // An offline agent whose pane still runs is starting or reconnecting; a dead pane
            // says more than the hub's last word.
            if alive || state != "offline" { self.state = state }
        }
        let held = agent["held"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !held.isEmpty {
            task = held.map { id in
                guard let record = tasks[id] else { return id }
                var text = id
                if let type = record["type"]?.stringValue { text += " " + type }
                if let progress = record["progress"]?.doubleValue {
                    text += " \(Int(progress.rounded()))%"
                }
                return text
            }.joined(separator: ", ")
        }
        if let seen = agent["last_seen"]?.stringValue.flatMap(Self.seconds(iso8601:)) {
            lastSeenSeconds = max(0, Int(now - seen))
        }
    }

    /// Seconds since 1970 of an RFC 3339 timestamp as the hub writes them.
    static func seconds(iso8601 text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)?.timeIntervalSince1970
    }
}
