import AsyncHTTPClient
import FlotillaCore
import NIOCore
import NIOHTTP1

extension HubClient {
    /// Reads a Server-Sent Events stream at `path` (`/api/events`, a task's output), turning each
    /// frame into an element with `element` (nil skips it). The stream ends when the hub closes
    /// it; a refusal throws the hub's error. `lastEventID` resumes the way browsers do.
    func serverSentEvents<Element: Sendable>(
        _ path: String, lastEventID: String?, _ element: @escaping @Sendable (SSEFrames.Frame) -> Element?
    ) -> AsyncThrowingStream<Element, any Error> {
        let url = baseURL + path
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
                    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
                    let response = try await http.execute(request, timeout: .hours(24 * 365))
                    guard response.status.code == 200 else {
                        let body = try await response.body.collect(upTo: 1 << 20)
                        throw Failure(status: Int(response.status.code), text: String(buffer: body))
                    }
                    var parser = SSEFrames()
                    for try await buffer in response.body {
                        for frame in parser.feed(String(buffer: buffer)) {
                            if let value = element(frame) { continuation.yield(value) }
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
