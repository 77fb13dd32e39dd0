import NIOCore
import Synchronization

/// Inbound flow control: the client stops reading from the broker while any subscription holds
/// ``MQTTClient/Configuration/maxBufferedMessages`` messages its consumer has not taken, and reads
/// again once every subscription is down to half of that.
///
/// Nothing is dropped: while reading is paused, unread bytes stay in the socket, TCP's window
/// closes, and the broker keeps what it cannot send (its in-flight window fills, as no PUBACK goes
/// out for a PUBLISH not yet read). A PUBACKed message has always reached its stream first.
///
/// The fast path is one atomic add per delivered message (``MQTTSubscriptionBuffer``); the lock
/// here is taken only when a subscription's count crosses one of the two marks.
final class MQTTFlowControl: Sendable {
    /// Reading pauses when a subscription holds this many messages.
    let highWaterMark: Int
    /// Reading resumes when every subscription holds at most this many.
    let lowWaterMark: Int
    private let paused = Atomic<Bool>(false)
    /// How many times reading paused, so the keep-alive can tell a silent broker from one we did not read.
    private let pauses = Atomic<Int>(0)
    private let state = Mutex(State())

    private struct State: Sendable {
        /// The subscriptions at or above the high-water mark and not yet back at the low one.
        var full: Set<Int> = []
        /// What to run once reading may resume: each connection's handler, parked.
        var resumers: [@Sendable () -> Void] = []
    }

    init(maxBufferedMessages: Int) {
        highWaterMark = max(1, maxBufferedMessages)
        lowWaterMark = highWaterMark / 2
    }

    /// Whether reading is paused now (one relaxed load: the handler asks before every packet).
    var isPaused: Bool { paused.load(ordering: .relaxed) }
    var pauseCount: Int { pauses.load(ordering: .relaxed) }

    /// Counts a message yielded to `buffer`'s stream; called on the event loop before the yield.
    @inline(__always)
    func delivered(to buffer: MQTTSubscriptionBuffer) {
        let count = buffer.count.wrappingAdd(1, ordering: .relaxed).newValue
        if count > buffer.peak.load(ordering: .relaxed) { buffer.peak.store(count, ordering: .relaxed) }
        if count == highWaterMark { reevaluate(buffer) }
    }

    /// Counts a message the consumer took from `buffer`'s stream.
    @inline(__always)
    func taken(from buffer: MQTTSubscriptionBuffer) {
        let count = buffer.count.wrappingSubtract(1, ordering: .relaxed).newValue
        if count == lowWaterMark { reevaluate(buffer) }
    }

    /// A subscription that ended (unsubscribed, its consumer gone, the client shut down) no longer
    /// holds reading back, whatever its stream still buffers.
    func retire(_ buffer: MQTTSubscriptionBuffer) {
        let resumers = state.withLock { state -> [@Sendable () -> Void] in
            buffer.retired.store(true, ordering: .relaxed)
            guard state.full.remove(buffer.id) != nil else { return [] }
            return resumeIfClear(&state)
        }
        for resume in resumers { resume() }
    }

    /// A connection's handler found reading paused: `resume` runs (once) when it may read again.
    /// Returns false, registering nothing, when reading resumed in the meantime.
    func park(_ resume: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            guard !state.full.isEmpty else { return false }
            state.resumers.append(resume)
            return true
        }
    }

    /// Decides, from the count now, whether `buffer` is full. Crossings race with the other side
    /// (the consumer drains while the loop fills), so the count is read again under the lock: the
    /// last crossing to get here sees the final value, and no decision is left stale.
    private func reevaluate(_ buffer: MQTTSubscriptionBuffer) {
        let resumers = state.withLock { state -> [@Sendable () -> Void] in
            let count = buffer.count.load(ordering: .relaxed)
            if count >= highWaterMark, !buffer.retired.load(ordering: .relaxed) {
                if state.full.insert(buffer.id).inserted, state.full.count == 1 {
                    paused.store(true, ordering: .relaxed)
                    pauses.wrappingAdd(1, ordering: .relaxed)
                }
                return []
            }
            guard count <= lowWaterMark, state.full.remove(buffer.id) != nil else { return [] }
            return resumeIfClear(&state)
        }
        for resume in resumers { resume() }
    }

    private func resumeIfClear(_ state: inout State) -> [@Sendable () -> Void] {
        guard state.full.isEmpty else { return [] }
        paused.store(false, ordering: .relaxed)
        defer { state.resumers.removeAll() }
        return state.resumers
    }
}

/// One subscription's count of messages in its stream that its consumer has not taken yet.
final class MQTTSubscriptionBuffer: Sendable {
    let id: Int
    let count = Atomic<Int>(0)
    /// The largest ``count`` seen, for tests and stats.
    let peak = Atomic<Int>(0)
    let retired = Atomic<Bool>(false)

    init(id: Int) { self.id = id }
}
