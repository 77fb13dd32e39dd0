import FlotillaClient
import FlotillaCore
@testable import FlotillaHub
import Foundation
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// Issue 20 item 7: every buffer toward a client is bounded. An event stream that stops
/// reading, and an agent socket that stops reading, are disconnected with a reason instead of
/// making the hub hold more and more for them.
@Suite struct SlowConsumerTests {
    @Test func anEventStreamThatStopsReadingIsDisconnectedAndNothingIsHeldForIt() async throws {
        // No goal service (--goal-concurrency 0): the stream is the bus's one subscriber.
        try await TestHub.run(configure: { $0.limits.eventBufferSize = 64; $0.goals.concurrency = 0 }) { hub in
            let socket = try RawSocket(port: hub.port, receiveBuffer: 4096)
            socket.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(hub.adminToken)\r\n\r\n")
            #expect(try await socket.read(until: "retry: 1000").hasPrefix("HTTP/1.1 200"))
            #expect(hub.hub.events.subscriberCount == 1)
            let rssBefore = Self.residentBytes()

            // The client reads no more. Events pile up: first in the socket buffers, then in
            // its 64-event buffer, and then the hub cuts it off.
            var submitted = 0
            while hub.hub.events.subscriberCount > 0 {
                #expect(submitted < 200_000, "the stream was never cut off")
                guard submitted < 200_000 else { break }
                _ = try await hub.client.submit(batch: (0..<2_000).map { _ in ["type": "testing.run", "payload": ["text": .string(String(repeating: "x", count: 200))]] }, minimal: true)
                submitted += 2_000
            }
            // Its subscription is gone, and so is the connection.
            try await eventually("the hub closed the stream's connection", within: 10) { socket.isClosedByPeer() }
            #expect(hub.hub.events.subscriberCount == 0)
            // The hub did not keep the backlog: its memory grew far less than what was published
            // for the stream (each event is over 300 bytes).
            let grown = Self.residentBytes() - rssBefore
            #expect(grown < 200 << 20, "resident memory grew by \(grown >> 20) MiB")
        }
    }

    /// The process's resident set size, from /proc.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    /// A socket whose peer stopped reading: writes reach it but are never completed, as when
    /// the kernel's send buffer is full and NIO holds them.
    private final class StalledPeer: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = WebSocketFrame
        var held: [(frame: WebSocketFrame, promise: EventLoopPromise<Void>?)] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            held.append((unwrapOutboundIn(data), promise))
        }

        func flush(context: ChannelHandlerContext) {}

        /// Fails what it held (a promise must be completed before it goes away).
        func release() {
            for (_, promise) in held { promise?.fail(ChannelError.ioOnClosedChannel) }
        }
    }

    @Test func anAgentSocketThatStopsReadingIsDisconnectedPastItsOutboxBound() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let peer = StalledPeer()
        try channel.pipeline.syncOperations.addHandler(peer)
        let outbox = SocketOutbox(channel: channel, maxQueuedBytes: 10_000)
        let big = Envelope(id: "m", type: .message, ts: "2026-12-04T00:00:00Z", payload: ["text": .string(String(repeating: "y", count: 1_000))])
        for _ in 0..<5 { outbox.send(big) }
        channel.embeddedEventLoop.run()
        #expect(channel.isActive, "within the bound")
        #expect(outbox.queued > 5_000)
        for _ in 0..<10 { outbox.send(big) }
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive, "past the bound the socket is closed")
        // It says why: the last frame is a close with a policy-violation code and a reason.
        let last = try #require(peer.held.last?.frame)
        #expect(last.opcode == .connectionClose)
        var data = last.unmaskedData
        #expect(data.readWebSocketErrorCode() == .policyViolation)
        #expect(String(buffer: data).hasPrefix("outbox_overflow"))
        // Nothing more is queued once it is closed.
        let count = peer.held.count
        outbox.send(big)
        channel.embeddedEventLoop.run()
        #expect(peer.held.count == count)
        peer.release()
    }

    @Test func aWritingPeerNeverTripsTheBound() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let outbox = SocketOutbox(channel: channel, maxQueuedBytes: 10_000)
        let big = Envelope(id: "m", type: .message, ts: "2026-12-04T00:00:00Z", payload: ["text": .string(String(repeating: "y", count: 1_000))])
        for _ in 0..<100 {
            outbox.send(big)
            channel.embeddedEventLoop.run()
            while try channel.readOutbound(as: WebSocketFrame.self) != nil {}
        }
        #expect(channel.isActive)
        #expect(outbox.queued == 0)
        _ = try channel.finish()
    }
}
