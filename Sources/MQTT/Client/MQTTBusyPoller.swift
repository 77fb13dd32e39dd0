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
/// for a reply (``MQTTClient/Transport/busyPolling(_:)``).
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
/// While it spins, the poller also reads the connection's socket itself, with one non-blocking
/// `recv` per turn, and hands what it reads to the connection's pipeline as NIO would. A turn of
/// NIO's loop costs several microseconds on a virtual machine, and a reply found within the turn
/// rather than at the next poll saves about half of one, which decides whether the broker is still
/// awake when the next request arrives (docs/mqtt.md). Meanwhile it is the socket's only reader:
/// the channel's `autoRead` is off, so NIO neither reads nor polls the socket for input, which it
/// expects to find bytes behind. The end of the stream and a reset are still NIO's to see (it
/// always polls for them); an error a read meets is passed down the pipeline, which closes the
/// connection. When the spin stops, `autoRead` is back on and NIO reads again.
///
/// Loop-confined: every method runs on ``eventLoop``.
final class MQTTBusyPoller {
    let eventLoop: any EventLoop
    /// How long one request may keep the loop spinning.
    let budget: Duration
    /// Whether anything is still awaited; the spin stops as soon as nothing is.
    private let isAwaitingReply: @Sendable () -> Bool
    /// Whether the client's flow control paused reading: then the poller reads nothing either.
    private let isReadingPaused: @Sendable () -> Bool
    private var writeDescriptor: CInt
    private var readChannel: (any Channel)?
    /// The connection whose socket the poller reads, and that socket. Read only while the channel
    /// is active: NIO closes the descriptor on this loop once it is not, and its number may be reused.
    private let connection: any Channel
    private let connectionDescriptor: CInt
    /// The buffer of a `recv` that found nothing, kept for the next turn.
    private var spare: ByteBuffer?
    /// Whether the poller, not NIO, reads the connection's socket now.
    private var isReading = false
    /// Bytes in the pipe: the loop turns this many more times without sleeping.
    private var bytesInPipe = 0
    /// Spinning stops at most this many turns after the budget ends or the reply arrives.
    static let bytesPerRefill = 64
    /// The first read of a turn: room for a burst of acknowledgements.
    static let readSize = 2048
    /// Reads per turn at most, and the largest, as NIO's defaults for its own reads.
    static let readsPerTurn = 4
    static let largestRead = 64 << 10
    private var deadline: ContinuousClock.Instant = .now
    /// Turns taken without sleeping, for tests and diagnostics.
    private(set) var turns = 0
    /// Reads from the connection's socket that found bytes, for tests and diagnostics.
    private(set) var connectionReads = 0

    /// Whether the loop is being kept from sleeping right now.
    var isSpinning: Bool { bytesInPipe > 0 }

    private init(
        connection: any Channel, connectionDescriptor: CInt, budget: Duration, writeDescriptor: CInt, isAwaitingReply: @escaping @Sendable () -> Bool,
        isReadingPaused: @escaping @Sendable () -> Bool
    ) {
        self.eventLoop = connection.eventLoop
        self.connection = connection
        self.connectionDescriptor = connectionDescriptor
        self.budget = budget
        self.writeDescriptor = writeDescriptor
        self.isAwaitingReply = isAwaitingReply
        self.isReadingPaused = isReadingPaused
    }

    /// Opens the pipe and registers its read end on the loop of `connection`, whose socket is
    /// `connectionDescriptor`.
    static func make(
        for connection: any Channel, connectionDescriptor: CInt, budget: Duration, isAwaitingReply: @escaping @Sendable () -> Bool,
        isReadingPaused: @escaping @Sendable () -> Bool = { false }
    ) async throws -> NIOLoopBound<MQTTBusyPoller> {
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
            return try await NIOPipeBootstrap(group: connection.eventLoop)
                .channelOption(ChannelOptions.maxMessagesPerRead, value: 1)
                .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 1))
                .takingOwnershipOfDescriptor(input: descriptors[0]) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let poller = MQTTBusyPoller(
                        connection: connection, connectionDescriptor: connectionDescriptor, budget: budget, writeDescriptor: writeDescriptor,
                        isAwaitingReply: isAwaitingReply, isReadingPaused: isReadingPaused
                    )
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
        setReading(true)
        if bytesInPipe == 0 { refill() }
    }

    /// Stops spinning and releases the pipe; called when the connection closes (or the pipe fails,
    /// when NIO must read the connection again).
    func close() {
        eventLoop.preconditionInEventLoop()
        setReading(false)
        bytesInPipe = 0
        if writeDescriptor >= 0 {
            _ = Self.closeDescriptor(writeDescriptor)
            writeDescriptor = -1
        }
        readChannel?.close(promise: nil)
        readChannel = nil
    }

    /// The loop read `bytes` from the pipe: look for the reply on the connection's socket. Once
    /// the pipe is empty, refill it if a reply is still awaited within the budget, or give reading
    /// back to NIO; checking only then keeps a clock read and a lock off every turn.
    fileprivate func turned(bytes: Int) {
        bytesInPipe = max(0, bytesInPipe - bytes)
        turns += 1
        readConnection()
        guard bytesInPipe == 0 else { return }
        if writeDescriptor >= 0, ContinuousClock.now < deadline, isAwaitingReply() {
            refill()
        } else {
            setReading(false)
        }
    }

    /// Takes reading the connection's socket over from NIO, or gives it back.
    private func setReading(_ reading: Bool) {
        guard reading != isReading, connection.isActive else { return }
        isReading = reading
        connection.setOption(ChannelOptions.autoRead, value: !reading).whenFailure { [connection] error in
            connection.pipeline.fireErrorCaught(error)
        }
    }

    /// Reads what the connection's socket holds, without blocking, and hands it down the
    /// connection's pipeline as if NIO had read it: up to ``readsPerTurn`` reads, each into a
    /// buffer twice the size of the last one it filled, as NIO's own reads grow.
    private func readConnection() {
        guard isReading, connection.isActive, !isReadingPaused() else { return }
        let pipeline = connection.pipeline.syncOperations
        var size = Self.readSize
        var delivered = false
        defer { if delivered { pipeline.fireChannelReadComplete() } }
        for _ in 0..<Self.readsPerTurn {
            var buffer = spare.take() ?? connection.allocator.buffer(capacity: size)
            var failure: CInt = 0
            let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
                let result = recv(connectionDescriptor, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT))
                if result < 0 { failure = errno }
                return max(0, result)
            }
            guard read > 0 else {
                if size == Self.readSize { spare = buffer }
                // The end of the stream (0 without an error) is left to NIO, which polls for it.
                if failure != 0 && failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR {
                    pipeline.fireErrorCaught(IOError(errnoCode: failure, reason: "recv"))
                }
                return
            }
            connectionReads += 1
            delivered = true
            pipeline.fireChannelRead(NIOAny(buffer))
            // A read that did not fill its buffer emptied the socket; the handler may have closed it.
            guard buffer.writableBytes == 0, connection.isActive, !isReadingPaused() else { return }
            size = min(size * 2, Self.largestRead)
        }
    }

    private func refill() {
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.bytesPerRefill) { bytes in
            bytes.initialize(repeating: 1)
            return write(writeDescriptor, bytes.baseAddress, bytes.count)
        }
        bytesInPipe += max(0, written)
        // Without bytes in the pipe no turn comes to give reading back: NIO must read again now.
        if bytesInPipe == 0 { setReading(false) }
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

    /// The last handler of a busy-polling connection's pipeline: the client's writes pass it
    /// first, and once a flush sent a request that the broker answers (a QoS 1/2 PUBLISH, a
    /// PUBREL, a SUBSCRIBE, an UNSUBSCRIBE) the poller spins. It reads only the packets' fixed
    /// headers; the client writes whole packets.
    final class RequestWatcher: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        let poller: MQTTBusyPoller
        private var requestWritten = false

        init(poller: MQTTBusyPoller) { self.poller = poller }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if !requestWritten { requestWritten = Self.holdsRequest(unwrapOutboundIn(data)) }
            context.write(data, promise: promise)
        }

        func flush(context: ChannelHandlerContext) {
            context.flush()
            if requestWritten {
                requestWritten = false
                poller.requestSent()
            }
        }

        /// Whether the packets in `buffer` include one the broker replies to.
        static func holdsRequest(_ buffer: ByteBuffer) -> Bool {
            var index = buffer.readerIndex
            let end = buffer.writerIndex
            while index < end, let first = buffer.getInteger(at: index, as: UInt8.self) {
                switch first >> 4 {
                case 3 where first & 0x06 != 0, 6, 8, 10: return true
                default: break
                }
                // The remaining length: up to four bytes, seven bits each (MQTT 2.2.3).
                var length = 0, shift = 0
                index += 1
                while let byte = buffer.getInteger(at: index, as: UInt8.self), shift <= 21 {
                    index += 1
                    length |= Int(byte & 0x7F) << shift
                    shift += 7
                    if byte & 0x80 == 0 { break }
                }
                index += length
            }
            return false
        }
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
