@testable import FlotillaHub
import Dispatch
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The hub's connections run their handlers on their own event loop: what spares a round trip
/// the thread hops between the loop and the task pool.
@Suite(.timeLimit(.minutes(1))) struct EventLoopPinnedChannelTests {
    @Test func theConnectionTaskRunsOnTheChannelsEventLoop() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let probe = Probe()
        await EventLoopPinnedChannel(base: probe).handle(value: Probe.Value(channel: channel), logger: Logger(label: "test"))
        try await channel.close()
        // Before and after a suspension that another thread resumes.
        #expect(probe.onLoop.withLock { $0 } == [true, true])
    }

    /// Records whether its handler runs on the channel's loop.
    final class Probe: ServerChildChannel {
        struct Value: ServerChildChannelValue {
            let channel: any Channel
        }

        let onLoop = Mutex<[Bool]>([])

        func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
            channel.eventLoop.makeSucceededFuture(Value(channel: channel))
        }

        func handle(value: Value, logger: Logger) async {
            onLoop.withLock { $0.append(value.channel.eventLoop.inEventLoop) }
            // Resumed from a Dispatch thread: the task must come back to the loop.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async { continuation.resume() }
            }
            onLoop.withLock { $0.append(value.channel.eventLoop.inEventLoop) }
        }
    }
}
