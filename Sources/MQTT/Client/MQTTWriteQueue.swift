import NIOCore
import Synchronization

/// Coalesces the packets many tasks send on one connection into one event-loop task and one
/// flush (one `write` syscall) per burst, in the order they were queued.
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
    }

    let channel: any Channel
    /// Spins the loop after a request that expects a reply (``MQTTClient/Configuration/busyPoll``).
    let busyPoller: NIOLoopBound<MQTTBusyPoller>?
    private let state = Mutex(State())
    /// Packets queued before publishers wait. Default 1,024.
    let highWater: Int

    init(channel: any Channel, busyPoller: NIOLoopBound<MQTTBusyPoller>? = nil, highWater: Int = 1024) {
        self.channel = channel
        self.busyPoller = busyPoller
        self.highWater = highWater
    }

    /// Queues a packet; returns whether the queue is full (the caller should ``waitForRoom()``).
    @discardableResult
    func write(_ packet: MQTTPacket, promise: EventLoopPromise<Void>? = nil) -> Bool {
        let (schedule, full, closed) = state.withLock { state in
            if state.closed { return (false, false, true) }
            state.packets.append((packet, promise))
            defer { state.scheduled = true }
            return (!state.scheduled, state.packets.count >= highWater, false)
        }
        if closed {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return false
        }
        if schedule { channel.eventLoop.execute { self.drain() } }
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

    /// Runs on the event loop: writes everything queued, flushes once.
    private func drain() {
        let packets = state.withLock { state in
            defer {
                state.packets.removeAll(keepingCapacity: true)
                state.scheduled = false
            }
            return state.packets
        }
        for (packet, promise) in packets { channel.write(packet, promise: promise) }
        channel.flush()
        if let busyPoller, packets.contains(where: { $0.0.expectsReply }) { busyPoller.value.requestSent() }
        writabilityChanged()
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

extension MQTTPacket {
    /// The broker answers it with an acknowledgement a caller waits for (PINGREQ is left out: the
    /// keep-alive does not wait on the loop).
    fileprivate var expectsReply: Bool {
        switch self {
        case .publish(let packet): packet.qos != .atMostOnce
        case .pubrel, .subscribe, .unsubscribe: true
        default: false
        }
    }
}
