@testable import FlotillaHub
import NIOCore
import NIOEmbedded
import Testing

/// Agent sockets merge the flushes of one event-loop pass: frames written back to back leave
/// together, none is held past the pass, and a close sends what was pending first.
@Suite struct FlushCoalescingTests {
    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(FlushCoalescingHandler())
        return channel
    }

    private func written(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(String(buffer: buffer)) }
        return out
    }

    @Test func flushesOfOnePassLeaveTogetherAtItsEnd() throws {
        let channel = try channel()
        for frame in ["a", "b", "c"] { channel.writeAndFlush(ByteBuffer(string: frame), promise: nil) }
        #expect(try written(channel).isEmpty, "flushed before the pass ended")
        channel.embeddedEventLoop.run()
        #expect(try written(channel) == ["a", "b", "c"])
        channel.writeAndFlush(ByteBuffer(string: "d"), promise: nil)
        channel.embeddedEventLoop.run()
        #expect(try written(channel) == ["d"], "a later pass flushes again")
        _ = try channel.finish()
    }

    @Test func closeSendsPendingFramesFirst() throws {
        let channel = try channel()
        channel.writeAndFlush(ByteBuffer(string: "last words"), promise: nil)
        let closed = channel.close()
        #expect(try written(channel) == ["last words"])
        channel.embeddedEventLoop.run()
        try closed.wait()
    }
}
