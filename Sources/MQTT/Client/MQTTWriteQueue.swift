import NIOCore
import Synchronization

/// Coalesces the packets many tasks send on one connection into one event-loop task, one buffer
/// and one flush (one `write` syscall) per burst, in the order they were queued.
///
/// Writing and flushing each packet from the calling task costs an event-loop hop and a syscall
/// per message, which caps a busy publisher far below what the broker takes. Backpressure: when
/// the queue holds ``highWater`` packets or the socket is not writable, ``waitForRoom()`` parks
/// the caller until it drains.
final class MQTTWriteQueue: Sendable {
    private struct State {
        var packets: [(MQTTPacket, EventLoopPromise<Void>?)] = []
        var scheduled = false
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// The last burst's buffer, kept for the next: once the socket took it, it is ours alone
        /// again and is reused without allocating.
        var spare: ByteBuffer?
    }

    let channel: any Channel
    let version: MQTTProtocolVersion
    private let state = Mutex(State())
    /// Packets queued before publishers wait. Default 1,024.
    let highWater: Int

    init(channel: any Channel, version: MQTTProtocolVersion, highWater: Int = 1024) {
        self.channel = channel
        self.version = version
        self.highWater = highWater
    }

    /// Queues a packet; returns whether the queue is full (the caller should ``waitForRoom()``).
    ///
    /// With `alone`, the caller knows no other request is outstanding: called on the loop with
    /// nothing queued, the packet is written and flushed at once, since no burst could join it.
    @discardableResult
    func write(_ packet: MQTTPacket, promise: EventLoopPromise<Void>? = nil, alone: Bool = false) -> Bool {
        enum Next { case closed, sendNow(ByteBuffer?), scheduleDrain, queued }
        let writeNow = alone && channel.eventLoop.inEventLoop
        let (next, full) = state.withLock { state -> (Next, Bool) in
            if state.closed { return (.closed, false) }
            if writeNow, !state.scheduled { return (.sendNow(state.spare.take()), false) }
            state.packets.append((packet, promise))
            defer { state.scheduled = true }
            return (state.scheduled ? .queued : .scheduleDrain, state.packets.count >= highWater)
        }
        switch next {
        case .closed: promise?.fail(ChannelError.ioOnClosedChannel)
        case .sendNow(let spare):
            // Nothing was queued, so no publisher waits for the queue to drain.
            send(CollectionOfOne((packet, promise)), into: spare)
        case .scheduleDrain: channel.eventLoop.execute { self.drain() }
        case .queued: break
        }
        return full
    }

    /// Waits until the queue is below its high-water mark and the socket takes more.
    func waitForRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.closed || (state.packets.count < highWater && channel.isWritable) { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Runs on the event loop: sends everything queued.
    private func drain() {
        let (packets, spare) = state.withLock { state in
            defer {
                state.packets.removeAll(keepingCapacity: true)
                state.scheduled = false
            }
            return (state.packets, state.spare.take())
        }
        send(packets, into: spare)
        writabilityChanged()
    }

    /// Encodes `packets` into one buffer, writes and flushes it (on the loop).
    ///
    /// A packet that cannot be encoded fails its promise and closes the connection, as a
    /// malformed packet from the broker does (`publish` refuses such messages before they get here).
    private func send(_ packets: some Collection<(MQTTPacket, EventLoopPromise<Void>?)>, into spare: ByteBuffer?) {
        var buffer = spare ?? channel.allocator.buffer(capacity: 256)
        buffer.clear()
        buffer.reserveCapacity(minimumWritableBytes: 64 * packets.count)
        var promises: [EventLoopPromise<Void>] = []
        for (packet, promise) in packets {
            do {
                try packet.write(to: &buffer, version: version)
            } catch {
                promise?.fail(error)
                channel.pipeline.fireErrorCaught(error)
                continue
            }
            if let promise { promises.append(promise) }
        }
        if buffer.readableBytes > 0 {
            let written = promises.isEmpty ? nil : channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(buffer, promise: written)
            if let written { for promise in promises { written.futureResult.cascade(to: promise) } }
        }
        // A burst that grew the buffer large is not kept: a connection should not hold on to its peak.
        if buffer.capacity <= 64 << 10 { state.withLock { $0.spare = buffer } }
    }

    /// Wakes waiting publishers once the socket drains (also called by the channel handler).
    func writabilityChanged() {
        guard channel.isWritable else { return }
        let waiters = state.withLock { state in
            guard state.packets.count < highWater else { return [CheckedContinuation<Void, Never>]() }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The connection ended: nothing more is written and no one waits.
    func close() {
        let (waiters, packets) = state.withLock { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.packets.removeAll()
            }
            return (state.waiters, state.packets)
        }
        for waiter in waiters { waiter.resume() }
        for (_, promise) in packets { promise?.fail(ChannelError.ioOnClosedChannel) }
    }
}
