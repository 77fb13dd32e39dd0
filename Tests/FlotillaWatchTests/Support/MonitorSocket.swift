import FlotillaCore
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// A client of the hub's seeds/004 event WebSocket (`ws://HOST:PORT/`), keeping every message.
final class MonitorSocket: Sendable {
    private let messages = Mutex([JSONValue]())
    private let outgoing: AsyncStream<String>.Continuation
    private let queue: AsyncStream<String>

    init() {
        (queue, outgoing) = AsyncStream.makeStream(of: String.self)
    }

    var all: [JSONValue] { messages.withLock { $0 } }

    /// The `event` messages named `name` (about `session` when given).
    func events(_ name: String, session: String? = nil) -> [JSONValue] {
        all.filter { $0["type"] == "event" && $0["event"]?.stringValue == name && (session == nil || $0["session"]?.stringValue == session) }
    }

    /// Sends a text message to the hub.
    func send(_ text: String) { outgoing.yield(text) }

    /// Waits until `condition` holds for the messages so far; throws after `seconds`.
    func wait(_ what: String, within seconds: Double = 15, _ condition: (MonitorSocket) -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition(self) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("timed out after \(seconds)s waiting for \(what); messages: \(all.map(\.jsonString))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Connects to `url`, reads into this socket until `body` returns, then closes. Throws when
    /// the upgrade is refused.
    func connect(url: String, header token: String? = nil, _ body: @escaping @Sendable () async throws -> Void) async throws {
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 24)
        if let token { configuration.additionalHeaders[.authorization] = "Bearer \(token)" }
        let failure = Mutex<(any Error)?>(nil)
        let ran = Mutex(false)
        try await WebSocketClient.connect(url: url, configuration: configuration, logger: Logger(label: "test.monitor-socket")) { inbound, outbound, _ in
            ran.withLock { $0 = true }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            if case .text(let text) = message, let json = try? JSONValue.parse(text) {
                                self.messages.withLock { $0.append(json) }
                            }
                        }
                    } catch {}
                }
                group.addTask {
                    for await text in self.queue { try? await outbound.write(.text(text)) }
                }
                do { try await body() } catch { failure.withLock { $0 = error } }
                group.cancelAll()
            }
            try? await outbound.close(.normalClosure, reason: nil)
        }
        if let error = failure.withLock({ $0 }) { throw error }
        guard ran.withLock({ $0 }) else { throw TestFailure("the WebSocket to \(url) was refused") }
    }
}
