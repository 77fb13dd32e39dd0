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
        let url = baseURL + "/api/tasks/\(id)/output" + Self.queryString(query)
        let token = self.token
        let http = self.http
        return AsyncThrowingStream { continuation in
            // As in events(since:): the reader is a task of the stream's, cancelled with it.
            let reader = _Concurrency.Task {
                do {
                    var request = HTTPClientRequest(url: url)
                    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                    request.headers.add(name: "Accept", value: "text/event-stream")
                    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
                    let response = try await http.execute(request, timeout: .hours(24 * 365))
                    guard response.status.code == 200 else {
                        let body = try await response.body.collect(upTo: 1 << 20)
                        let json = try? JSONValue.parse(String(buffer: body))
                        throw Failure(
                            status: Int(response.status.code),
                            code: json?["error"]?["code"]?.stringValue ?? "http_\(response.status.code)",
                            message: json?["error"]?["message"]?.stringValue ?? String(buffer: body), field: json?["error"]?["field"]?.stringValue
                        )
                    }
                    var parser = SSEFrames()
                    for try await buffer in response.body {
                        for frame in parser.feed(String(buffer: buffer)) {
                            if let event = Self.outputEvent(frame) { continuation.yield(event) }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
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

/// Splits a text/event-stream into frames (`event:`, `id:` and `data:` lines, blank-line
/// separated); comments and `retry:` are skipped.
struct SSEFrames {
    struct Frame: Sendable {
        var event = "message"
        var id: String?
        var data = ""
    }

    private var pending = ""
    private var frame = Frame()
    private var hasData = false

    mutating func feed(_ text: String) -> [Frame] {
        pending += text
        var out: [Frame] = []
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.isEmpty {
                if hasData { out.append(frame) }
                frame = Frame()
                hasData = false
            } else if line.hasPrefix("data:") {
                if hasData { frame.data += "\n" }
                frame.data += Self.value(line.dropFirst(5))
                hasData = true
            } else if line.hasPrefix("event:") {
                frame.event = Self.value(line.dropFirst(6))
            } else if line.hasPrefix("id:") {
                frame.id = Self.value(line.dropFirst(3))
            }
        }
        return out
    }

    private static func value(_ rest: Substring) -> String {
        String(rest.first == " " ? rest.dropFirst() : rest)
    }
}
