import FlotillaCore
import FlotillaStore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/events`: the event log as Server-Sent Events, resumable.
///
/// Resume with `Last-Event-ID: <seq>` or `?since=<seq>`; the gap is read from the store, then
/// the stream continues live. `?types=task.,agent.online` keeps only events whose type starts
/// with one of the prefixes; `?task_id=` keeps one task's events.
struct EventRoutes {
    let hub: Hub

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("events") { request, context in try stream(request, identity: context.identity) }
    }

    private func stream(_ request: Request, identity: Identity?) throws -> Response {
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
        let hub = self.hub
        let keep: @Sendable (EventRecord) -> Bool = { event in
            (prefixes.isEmpty || prefixes.contains { event.type.hasPrefix($0) }) && (taskID == nil || event.taskID == taskID)
        }
        let since = start
        let (live, end) = hub.events.subscription(where: keep)
        // Revoking the token ends the stream (its reader sees the end, like at shutdown).
        let session = identity.map { hub.tokens.sessions.open(tokenID: $0.tokenID, end: end) }
        let body = ResponseBody { writer in
            defer { if let session { hub.tokens.sessions.close(session) } }
            var last = since
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            // Catch up from the store, page by page.
            while true {
                let page = try await hub.store.events(after: last, limit: 1000)
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

    /// Appends one Server-Sent Event: `id`, `event` and the event's JSON as `data`.
    static func write(_ event: EventRecord, to buffer: inout ByteBuffer) {
        buffer.writeString("id: \(event.seq)\nevent: \(event.type)\ndata: ")
        buffer.writeBytes(event.jsonBytes)
        buffer.writeString("\n\n")
    }
}
