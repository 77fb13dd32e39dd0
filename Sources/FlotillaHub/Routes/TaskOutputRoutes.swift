import FlotillaCore
import FlotillaEngine
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/tasks/{id}/output`: an attempt's live output (docs/api.md, "Live output").
///
/// Plain: `{"task_id","attempt","bytes","truncated","text","done"}` (`?attempt=N`,
/// `?tail=BYTES`). With `?follow=1`: Server-Sent Events (`output`, `attempt`, `end`) from the
/// kept tail of the latest attempt, or after `Last-Event-ID: <attempt>:<offset>`, until the task
/// is final.
struct TaskOutputRoutes {
    let hub: Hub
    let streams: StreamQuota
    let departures: ClientDepartures

    /// `?tail`'s default and largest value.
    static let defaultTail = 64 << 10
    static let maxTail = 16 << 20

    func add(to group: RouterGroup<HubRequestContext>) {
        group.get("tasks/:id/output") { request, context in
            try await output(request, context: context, id: context.parameters.decoded("id"))
        }
    }

    private func output(_ request: Request, context: HubRequestContext, id: String) async throws -> Response {
        let query = request.uri.queryParameters
        let attempt = try query["attempt"].map { raw throws(FlotillaError) in
            guard let value = Int(raw), value > 0 else {
                throw FlotillaError(.invalidField, "'attempt' must be a positive integer, got '\(raw)'.", field: "attempt")
            }
            return value
        }
        let tail = try query["tail"].map { raw throws(FlotillaError) in
            guard let value = Int(raw), (0...Self.maxTail).contains(value) else {
                throw FlotillaError(.invalidField, "'tail' must be a number of bytes from 0 to \(Self.maxTail), got '\(raw)'.", field: "tail")
            }
            return value
        } ?? Self.defaultTail
        let follow = query["follow"].map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        guard follow else {
            let snapshot = try await hub.engine.output(taskID: id, attempt: attempt, tail: tail)
            return JSONResponse.make(snapshot.json)
        }
        var resume = attempt.map { (attempt: $0, offset: 0) }
        if let raw = request.headers[.lastEventID] {
            resume = try Self.resumePoint(raw)
        }
        return try await stream(id: id, resume: resume, tail: tail, context: context)
    }

    /// `Last-Event-ID: <attempt>:<offset>`, as the stream's `id:` lines give it.
    static func resumePoint(_ raw: String) throws(FlotillaError) -> (attempt: Int, offset: Int) {
        let parts = raw.split(separator: ":")
        guard parts.count == 2, let attempt = Int(parts[0]), attempt > 0, let offset = Int(parts[1]), offset >= 0 else {
            throw FlotillaError(.invalidField, "Last-Event-ID must read '<attempt>:<byte offset>' as the output stream's ids do, got '\(raw.prefix(80))'.", field: "Last-Event-ID")
        }
        return (attempt, offset)
    }

    private func stream(id: String, resume: (attempt: Int, offset: Int)?, tail: Int, context: HubRequestContext) async throws -> Response {
        let ticket = try context.identity.map { identity throws(FlotillaError) in try streams.acquire(identity, kind: "output stream") }
        let follow: OutputFollow
        do {
            follow = try await hub.engine.followOutput(taskID: id, resume: resume, tail: tail)
        } catch {
            ticket?.release()
            throw error
        }
        let hub = self.hub
        let end = follow.end
        // A client gone while nothing is due would otherwise hold its slot until the next write.
        departures.onDeparture(of: context.channel, end)
        let session = context.identity.map { hub.tokens.sessions.open(tokenID: $0.tokenID, end: end) }
        let body = ResponseBody { writer in
            defer {
                ticket?.release()
                if let session { hub.tokens.sessions.close(session) }
                end()
            }
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            try await withGracefulShutdownHandler {
                for await event in follow {
                    var frame = ByteBuffer()
                    Self.write(event, to: &frame)
                    try await writer.write(frame)
                }
            } onGracefulShutdown: {
                end()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "keep-alive"],
            body: body
        )
    }

    /// Appends one Server-Sent Event.
    static func write(_ event: OutputEvent, to buffer: inout ByteBuffer) {
        switch event {
        case .chunk(let attempt, let offset, let text):
            let data: JSONValue = ["attempt": .int(Int64(attempt)), "offset": .int(Int64(offset)), "text": .string(text)]
            buffer.writeString("event: output\nid: \(attempt):\(offset + text.utf8.count)\ndata: \(data.jsonString)\n\n")
        case .attempt(let attempt):
            buffer.writeString("event: attempt\ndata: {\"attempt\":\(attempt)}\n\n")
        case .end(let attempt, let state):
            let data: JSONValue = ["attempt": attempt.map { .int(Int64($0)) } ?? .null, "state": .string(state.rawValue)]
            buffer.writeString("event: end\ndata: \(data.jsonString)\n\n")
        }
    }
}
