import FlotillaCore
import FlotillaEngine
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// An agent's WebSocket, written on its own event loop.
///
/// Messages queued while a drain is pending join it: one hop to the loop and one flush carry
/// all of them, each serialised there (so serialisation runs on the socket's loop thread, in
/// parallel across sockets, never on the commit path that queues them). Going through an async
/// writer instead cost a wake-up of another thread per frame.
final class SocketOutbox: AgentOutbox {
    private struct State {
        var pending: [Envelope] = []
        var drainScheduled = false
        var finished = false
        var drained = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let channel: any Channel
    private let state = Mutex(State())
    /// Bytes handed to the channel and not yet written to the socket, plus those pending.
    private let queuedBytes = Atomic(0)
    /// Past this many queued bytes the peer is not reading: it is disconnected, so a slow
    /// agent cannot make the hub buffer without bound.
    private let maxQueuedBytes: Int
    private let logger: Logger

    init(channel: any Channel, maxQueuedBytes: Int = .max, logger: Logger = Logger(label: "flotilla.hub")) {
        self.channel = channel
        self.maxQueuedBytes = maxQueuedBytes
        self.logger = logger
    }

    /// Bytes queued for the socket and not yet written (for tests).
    var queued: Int { queuedBytes.load(ordering: .relaxed) }

    func send(_ envelope: Envelope) {
        let schedule = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.pending.append(envelope)
            defer { state.drainScheduled = true }
            return !state.drainScheduled
        }
        if schedule { channel.eventLoop.execute { self.drain() } }
    }

    func finish() {
        let first = state.withLock { state -> Bool in
            defer { state.finished = true }
            return !state.finished
        }
        guard first else { return }
        channel.eventLoop.execute {
            self.drain()
            let waiter = self.state.withLock { state in
                state.drained = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    /// Returns once the outbox is finished and what it held has been written.
    func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.drained { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func drain() {
        let batch = state.withLock { state in
            state.drainScheduled = false
            defer { state.pending = [] }
            return state.pending
        }
        guard !batch.isEmpty else { return }
        let frames = batch.map { WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(bytes: $0.textBytes)) }
        let total = frames.reduce(0) { $0 + $1.data.readableBytes }
        // Writes complete in order: when the batch's last frame is on the wire, all of it is.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in self.queuedBytes.subtract(total, ordering: .relaxed) }
        for (index, frame) in frames.enumerated() {
            channel.write(frame, promise: index == frames.count - 1 ? written : nil)
        }
        let queued = queuedBytes.add(total, ordering: .relaxed).newValue
        channel.flush()
        if queued > maxQueuedBytes { overflow(queued) }
    }

    /// The peer stopped reading: say why (if it ever reads again) and disconnect.
    private func overflow(_ queued: Int) {
        state.withLock { $0.finished = true }
        logger.warning("disconnecting an agent socket that stopped reading: \(queued) bytes queued, over the limit of \(maxQueuedBytes)")
        var reason = channel.allocator.buffer(capacity: 64)
        reason.write(webSocketErrorCode: .policyViolation)
        reason.writeString("outbox_overflow: the agent stopped reading; \(queued) bytes were queued")
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: reason), promise: nil)
        channel.close(promise: nil)
    }
}
