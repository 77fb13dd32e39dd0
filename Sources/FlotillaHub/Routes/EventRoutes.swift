import FlotillaCore
import FlotillaEngine
import FlotillaStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `GET /api/events`: the event log as Server-Sent Events, resumable.
///
/// Resume with `Last-Event-ID: <seq>` or `?since=<seq>`; the gap is read from the store, then
/// the stream continues live. `?types=task.,agent.online` keeps only events whose type starts
/// with one of the prefixes; `?task_id=` keeps one task's events; `?goal=` keeps one goal's
/// (`data.goal_id`), read from the store through its index of them.
struct EventRoutes {
    let hub: Hub
    /// Caps open streams per token and in all.
    let streams: StreamQuota
    /// Ends a stream whose client hung up while it waited for the next event.
    let departures: ClientDepartures

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("events") { request, context in try stream(request, context: context) }
    }

    private func stream(_ request: Request, context: HubRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        var start = hub.events.lastSeq
        if let raw = request.headers[.lastEventID] ?? query["since"].map(String.init) {
            guard let value = Int64(raw), value >= 0 else {
                throw FlotillaError(.invalidField, "'since' / Last-Event-ID must be a non-negative event sequence number, got '\(raw)'.", field: "since")
            }
            start = value
        }
        let prefixes = query["types"].map { $0.split(separator: ",").map(String.init) } ?? []
        let taskID = query["task_id"].map(String.init)
        let goal = try Self.goal(query["goal"].map(String.init))
        let hub = self.hub
        let keep: @Sendable (EventRecord) -> Bool = { event in
            (prefixes.isEmpty || prefixes.contains { event.type.hasPrefix($0) }) && (taskID == nil || event.taskID == taskID)
                && (goal == nil || event.details["goal_id"]?.stringValue == goal)
        }
        let since = start
        // Held by the body: released when the stream ends, or when a body never written goes away.
        let ticket = try context.identity.map { identity throws(FlotillaError) in try streams.acquire(identity, kind: "event stream") }
        // A subscriber that stops reading fills its bounded buffer and is cut off: the
        // connection is closed (a writer blocked on a full socket would never see the stream end).
        let channel = context.channel
        let logger = context.logger
        let (live, end) = hub.events.subscription(where: keep) { lag in
            logger.warning("closing an event stream that stopped reading: it fell \(lag) events behind; it may resume with Last-Event-ID")
            channel.close(promise: nil)
        }
        // A client that goes away while no event is due would otherwise hold its subscription
        // (and its stream slot) until the next write fails.
        departures.onDeparture(of: channel, end)
        // Revoking the token ends the stream (its reader sees the end, like at shutdown).
        let session = context.identity.map { hub.tokens.sessions.open(tokenID: $0.tokenID, end: end) }
        let body = ResponseBody { writer in
            defer {
                ticket?.release()
                if let session { hub.tokens.sessions.close(session) }
            }
            var last = since
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            // Catch up from the store, page by page.
            while true {
                let page = if let goal {
                    try await hub.engine.storedEvents(after: last, limit: 1000, goal: goal)
                } else {
                    try await hub.engine.storedEvents(after: last, limit: 1000)
                }
                var chunk = ByteBuffer()
                for event in page where keep(event) { Self.write(event, to: &chunk) }
                if chunk.readableBytes > 0 { try await writer.write(chunk) }
                if let newest = page.last { last = newest.seq }
                if page.count < 1000 { break }
            }
            // Ends on graceful shutdown too, so an open stream never holds the server up.
            try await withGracefulShutdownHandler {
                for await event in live where event.seq > last {
                    last = event.seq
                    var frame = ByteBuffer()
                    Self.write(event, to: &frame)
                    try await writer.write(frame)
                }
            } onGracefulShutdown: {
                hub.events.finishAll()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "keep-alive"],
            body: body
        )
    }

    /// `?goal=`: a goal id as the hub makes them (`g_` and 16 lowercase hex digits), else
    /// `400 invalid_field` before any stream opens.
    static func goal(_ raw: String?) throws(FlotillaError) -> String? {
        guard let raw else { return nil }
        guard GoalRecord.isValidID(raw) else {
            let shown = raw.isEmpty ? "an empty value" : "'\(raw.prefix(80))'"
            throw FlotillaError(.invalidField, "'goal' must be a goal id: g_ and 16 lowercase hex digits (as `flotilla goal list` shows them), got \(shown).", field: "goal")
        }
        return raw
    }

    /// Appends one Server-Sent Event: `id`, `event` and the event's JSON as `data`.
    static func write(_ event: EventRecord, to buffer: inout ByteBuffer) {
        buffer.writeString("id: \(event.seq)\nevent: \(event.type)\ndata: ")
        buffer.writeBytes(event.jsonBytes)
        buffer.writeString("\n\n")
    }
}
