import FlotillaCore
@testable import FlotillaHub
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// An agent socket's outbox: messages queued before its event loop gets to them leave together
/// in one flush, in order, and finishing sends what was queued before anything else happens.
@Suite struct SocketOutboxTests {
    /// Counts the flushes that reach the socket. Unchecked: an embedded channel runs everything
    /// on the test's own thread, so the counter is never touched concurrently.
    private final class FlushCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = NIOAny
        var flushes = 0

        func flush(context: ChannelHandlerContext) {
            flushes += 1
            context.flush()
        }
    }

    private func message(_ id: String) -> Envelope {
        Envelope(id: id, type: .ack, ts: "2026-11-21T00:00:00Z", payload: ["ref": .string(id)])
    }

    private func written(_ channel: EmbeddedChannel) throws -> [Envelope] {
        var out: [Envelope] = []
        while let frame = try channel.readOutbound(as: WebSocketFrame.self) {
            #expect(frame.opcode == .text && frame.fin)
            out.append(try Envelope(text: String(buffer: frame.data)))
        }
        return out
    }

    @Test func messagesQueuedTogetherLeaveInOneFlush() throws {
        let channel = EmbeddedChannel()
        let counter = FlushCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        let outbox = SocketOutbox(channel: channel)
        for id in ["a", "b", "c"] { outbox.send(message(id)) }
        #expect(try written(channel).isEmpty, "written before the event loop ran")
        channel.embeddedEventLoop.run()
        #expect(try written(channel).map(\.id) == ["a", "b", "c"])
        #expect(counter.flushes == 1)
        outbox.send(message("d"))
        channel.embeddedEventLoop.run()
        #expect(try written(channel).map(\.id) == ["d"], "a later message leaves in its own flush")
        #expect(counter.flushes == 2)
        _ = try channel.finish()
    }

    @Test func finishSendsWhatWasQueuedAndDropsWhatFollows() async throws {
        let channel = EmbeddedChannel()
        let outbox = SocketOutbox(channel: channel)
        outbox.send(message("last words"))
        outbox.finish()
        outbox.send(message("too late"))
        channel.embeddedEventLoop.run()
        await outbox.finished()
        #expect(try written(channel).map(\.id) == ["last words"])
        outbox.finish()
        channel.embeddedEventLoop.run()
        #expect(try written(channel).isEmpty, "finishing twice sends nothing more")
        _ = try channel.finish()
    }
}
