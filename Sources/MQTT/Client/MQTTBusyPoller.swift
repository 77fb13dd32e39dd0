import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a connection's event loop polling its sockets, without sleeping, while the client waits
/// for a reply (``MQTTClient/Configuration/busyPoll``).
///
/// NIO's loop cannot spin by itself: it runs every queued task, including one that queues itself
/// again, before it polls the selector, so a self-rescheduling task starves the sockets. A pipe
/// the loop watches can keep it turning instead: while bytes wait in the pipe the selector returns
/// at once, and the loop reads one byte per turn (a one-byte receive buffer) along with whatever
/// else is ready. The poller writes ``bytesPerRefill`` bytes at a time, so a turn costs one
/// `epoll_wait` and one one-byte `read`; it saves the sleep and wake-up per reply, which on
/// virtual machines without halt polling cost more than the whole MQTT exchange. The pipe's read
/// end is a NIO channel on the connection's loop; the poller writes to the other end itself.
///
/// Loop-confined: every method runs on ``eventLoop``.
final class MQTTBusyPoller {
    let eventLoop: any EventLoop
    /// How long one request may keep the loop spinning.
    let budget: Duration
    /// Whether anything is still awaited; the spin stops as soon as nothing is.
    private let isAwaitingReply: @Sendable () -> Bool
    private var writeDescriptor: CInt
    private var readChannel: (any Channel)?
    /// Bytes in the pipe: the loop turns this many more times without sleeping.
    private var bytesInPipe = 0
    /// Spinning stops at most this many turns after the budget ends or the reply arrives.
    static let bytesPerRefill = 64
    private var deadline: ContinuousClock.Instant = .now
    /// Turns taken without sleeping, for tests and diagnostics.
    private(set) var turns = 0

    /// Whether the loop is being kept from sleeping right now.
    var isSpinning: Bool { bytesInPipe > 0 }

    private init(eventLoop: any EventLoop, budget: Duration, writeDescriptor: CInt, isAwaitingReply: @escaping @Sendable () -> Bool) {
        self.eventLoop = eventLoop
        self.budget = budget
        self.writeDescriptor = writeDescriptor
        self.isAwaitingReply = isAwaitingReply
    }

    /// Opens the pipe and registers its read end on `eventLoop`.
    static func make(on eventLoop: any EventLoop, budget: Duration, isAwaitingReply: @escaping @Sendable () -> Bool) async throws -> NIOLoopBound<MQTTBusyPoller> {
        var descriptors: [CInt] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw MQTTError(.connectionClosed, "Could not open the busy-poll pipe (errno \(errno)).")
        }
        // Non-blocking: a write must never stall the loop. Close-on-exec: agents spawn processes.
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        let writeDescriptor = descriptors[1]
        do {
            return try await NIOPipeBootstrap(group: eventLoop)
                .channelOption(ChannelOptions.maxMessagesPerRead, value: 1)
                .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 1))
                .takingOwnershipOfDescriptor(input: descriptors[0]) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let poller = MQTTBusyPoller(eventLoop: channel.eventLoop, budget: budget, writeDescriptor: writeDescriptor, isAwaitingReply: isAwaitingReply)
                    poller.readChannel = channel
                    try channel.pipeline.syncOperations.addHandler(TurnHandler(poller: poller))
                    return NIOLoopBound(poller, eventLoop: channel.eventLoop)
                }
            }
        } catch {
            // A bootstrap that failed leaves both ends to us.
            _ = closeDescriptor(descriptors[0])
            _ = closeDescriptor(writeDescriptor)
            throw error
        }
    }

    /// A request that expects a reply was just written: spin for up to ``budget`` from now.
    func requestSent() {
        eventLoop.preconditionInEventLoop()
        guard writeDescriptor >= 0 else { return }
        deadline = .now + budget
        if bytesInPipe == 0 { refill() }
    }

    /// Stops spinning and releases the pipe; called when the connection closes.
    func close() {
        eventLoop.preconditionInEventLoop()
        bytesInPipe = 0
        if writeDescriptor >= 0 {
            _ = Self.closeDescriptor(writeDescriptor)
            writeDescriptor = -1
        }
        readChannel?.close(promise: nil)
        readChannel = nil
    }

    /// The loop read `bytes` from the pipe; once it is empty, refill it if a reply is still
    /// awaited within the budget.
    fileprivate func turned(bytes: Int) {
        bytesInPipe = max(0, bytesInPipe - bytes)
        turns += 1
        guard bytesInPipe == 0, writeDescriptor >= 0, ContinuousClock.now < deadline, isAwaitingReply() else { return }
        refill()
    }

    private func refill() {
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.bytesPerRefill) { bytes in
            bytes.initialize(repeating: 1)
            return write(writeDescriptor, bytes.baseAddress, bytes.count)
        }
        bytesInPipe += max(0, written)
    }

    private static func closeDescriptor(_ descriptor: CInt) -> CInt {
        #if canImport(Darwin)
        Darwin.close(descriptor)
        #elseif canImport(Musl)
        Musl.close(descriptor)
        #else
        Glibc.close(descriptor)
        #endif
    }

    /// The pipe's read end: every byte read is one turn of the loop.
    private final class TurnHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let poller: MQTTBusyPoller

        init(poller: MQTTBusyPoller) { self.poller = poller }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            poller.turned(bytes: unwrapInboundIn(data).readableBytes)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            poller.close()
        }
    }
}
