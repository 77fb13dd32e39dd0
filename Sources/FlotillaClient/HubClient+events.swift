import AsyncHTTPClient
public import FlotillaCore
import NIOCore
import NIOHTTP1

/// One Server-Sent Event from `/api/events`.
public struct StreamedEvent: Sendable {
    /// The event, read by its one decoder (``EventRecord/init(json:)``).
    public var event: EventRecord
    /// The event document as the hub sent it (`seq`, `type`, `ts`, `task_id`, `agent_id`,
    /// `data`), for passing on verbatim.
    public var json: JSONValue

    public var seq: Int64 { event.seq }
    public var type: String { event.type }
}

extension HubClient {
    /// Streams events from `/api/events`, starting after `since` (nil: only new ones).
    /// The stream ends when the hub closes it; resume with the last `seq` seen.
    /// `lastEventID` resumes the way browsers do, with the `Last-Event-ID` header; `goal` keeps
    /// one goal's events (`data.goal_id`).
    public func events(since: Int64? = nil, lastEventID: Int64? = nil, types: [String] = [], taskID: String? = nil, goal: String? = nil) -> AsyncThrowingStream<StreamedEvent, any Error> {
        var query: [String: String] = [:]
        if let since { query["since"] = String(since) }
        if !types.isEmpty { query["types"] = types.joined(separator: ",") }
        if let taskID { query["task_id"] = taskID }
        if let goal { query["goal"] = goal }
        return serverSentEvents("/api/events" + Self.queryString(query), lastEventID: lastEventID.map(String.init)) { frame in
            guard let json = try? JSONValue.parse(frame.data), let event = try? EventRecord(json: json) else { return nil }
            return StreamedEvent(event: event, json: json)
        }
    }
}
