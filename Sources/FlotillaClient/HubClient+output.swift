import AsyncHTTPClient
public import FlotillaCore
import NIOCore
import NIOHTTP1

/// One event of `GET /api/tasks/{id}/output?follow=1`.
public enum OutputStreamEvent: Sendable, Hashable {
    /// Output of `attempt` from byte `offset`; `id` is its `Last-Event-ID` for resuming.
    case output(attempt: Int, offset: Int, text: String, id: String)
    /// A retry started attempt N.
    case attempt(Int)
    /// The task is final; the stream ends.
    case end(attempt: Int?, state: String)
}

extension HubClient {
    /// An attempt's output (default the latest; `tail` bytes at most; `id` escaped as a path
    /// segment): `{"task_id","attempt",
    /// "bytes","truncated","text","done"}`.
    public func taskOutput(_ id: String, attempt: Int? = nil, tail: Int? = nil) async throws -> JSONValue {
        var query: [String: String] = [:]
        if let attempt { query["attempt"] = String(attempt) }
        if let tail { query["tail"] = String(tail) }
        return try await send(.GET, "/api/tasks/\(id)/output" + Self.queryString(query)).body
    }

    /// Follows a task's output until the task is final (the stream then ends); resume with the
    /// `id` of the last output event seen as `lastEventID`.
    public func followOutput(_ id: String, attempt: Int? = nil, lastEventID: String? = nil) -> AsyncThrowingStream<OutputStreamEvent, any Error> {
        var query = ["follow": "1"]
        if let attempt { query["attempt"] = String(attempt) }
        return serverSentEvents("/api/tasks/\(id)/output" + Self.queryString(query), lastEventID: lastEventID, Self.outputEvent)
    }

    static func outputEvent(_ frame: SSEFrames.Frame) -> OutputStreamEvent? {
        guard let data = try? JSONValue.parse(frame.data) else { return nil }
        switch frame.event {
        case "output":
            guard let attempt = data["attempt"]?.intValue, let offset = data["offset"]?.intValue, let text = data["text"]?.stringValue else { return nil }
            return .output(attempt: Int(attempt), offset: Int(offset), text: text, id: frame.id ?? "")
        case "attempt":
            return data["attempt"]?.intValue.map { .attempt(Int($0)) }
        case "end":
            return .end(attempt: data["attempt"]?.intValue.map(Int.init), state: data["state"]?.stringValue ?? "")
        default:
            return nil
        }
    }
}
