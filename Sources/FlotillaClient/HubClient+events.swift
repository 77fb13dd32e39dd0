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
    /// `lastEventID` resumes the way browsers do, with the `Last-Event-ID` header.
    public func events(since: Int64? = nil, lastEventID: Int64? = nil, types: [String] = [], taskID: String? = nil) -> AsyncThrowingStream<StreamedEvent, any Error> {
        var query: [String: String] = [:]
        if let since { query["since"] = String(since) }
        if !types.isEmpty { query["types"] = types.joined(separator: ",") }
        if let taskID { query["task_id"] = taskID }
        let url = baseURL + "/api/events" + Self.queryString(query)
        let token = self.token
        let http = self.http
        return AsyncThrowingStream { continuation in
            // The stream's build closure is synchronous, so the reader is a task of its own;
            // it ends with the stream (cancelled on termination), never outliving its consumer.
            let reader = _Concurrency.Task {
                do {
                    var request = HTTPClientRequest(url: url)
                    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                    request.headers.add(name: "Accept", value: "text/event-stream")
                    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
                    let response = try await http.execute(request, timeout: .hours(24 * 365))
                    guard response.status.code == 200 else {
                        let body = try await response.body.collect(upTo: 1 << 20)
                        throw Failure(status: Int(response.status.code), code: "http_\(response.status.code)", message: String(buffer: body), field: nil)
                    }
                    var parser = SSEParser()
                    for try await buffer in response.body {
                        for event in parser.feed(String(buffer: buffer)) { continuation.yield(event) }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }
}

/// Splits a text/event-stream into events (`id:` and `data:` lines, blank-line separated).
struct SSEParser {
    private var pending = ""
    private var data = ""

    mutating func feed(_ text: String) -> [StreamedEvent] {
        pending += text
        var out: [StreamedEvent] = []
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending = String(pending[pending.index(after: newline)...])
            if line.isEmpty {
                if !data.isEmpty, let json = try? JSONValue.parse(data), let event = try? EventRecord(json: json) {
                    out.append(StreamedEvent(event: event, json: json))
                }
                data = ""
            } else if line.hasPrefix("data: ") {
                data += line.dropFirst(6)
            }
        }
        return out
    }
}
