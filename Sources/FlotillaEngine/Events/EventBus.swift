public import FlotillaCore
import Synchronization

/// Fans committed events out to live subscribers (SSE streams, WebSocket watchers, bridges).
///
/// A subscriber that falls more than its buffer behind is cut off rather than silently skipped:
/// its stream ends and the client resumes from its last event id, reading the gap from the store.
public final class EventBus: Sendable {
    private struct Subscriber {
        var continuation: AsyncStream<EventRecord>.Continuation
        var keep: @Sendable (EventRecord) -> Bool
        var overflow: @Sendable (Int) -> Void
    }

    private struct State {
        var next = 0
        var subscribers: [Int: Subscriber] = [:]
        var lastSeq: Int64 = 0
    }

    private let state = Mutex(State())
    /// Events a subscriber may lag behind before it is cut off. Default 8,192.
    public let bufferSize: Int

    public init(bufferSize: Int = 8_192) {
        self.bufferSize = bufferSize
    }

    /// The sequence number of the newest published event.
    public var lastSeq: Int64 { state.withLock { $0.lastSeq } }

    func start(at seq: Int64) { state.withLock { $0.lastSeq = seq } }

    /// A live stream of the events published from now on that `keep` accepts.
    ///
    /// `keep` runs as the event is published, so a subscriber is not woken for events it
    /// would throw away (a stream of one task's events, or of completions only).
    /// `overflow` runs (with the buffer size) when the subscriber is cut off for falling behind.
    public func subscribe(
        where keep: @escaping @Sendable (EventRecord) -> Bool = { _ in true },
        overflow: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> AsyncStream<EventRecord> {
        subscription(where: keep, overflow: overflow).events
    }

    /// Like ``subscribe(where:overflow:)``, with a function that ends the stream from outside
    /// (its reader then sees the end, as after a shutdown): how a stream whose connection closed
    /// while it waited, or whose token was revoked, is closed.
    public func subscription(
        where keep: @escaping @Sendable (EventRecord) -> Bool = { _ in true },
        overflow: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> (events: AsyncStream<EventRecord>, end: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: EventRecord.self, bufferingPolicy: .bufferingOldest(bufferSize))
        let id = state.withLock { state in
            state.next += 1
            state.subscribers[state.next] = Subscriber(continuation: continuation, keep: keep, overflow: overflow)
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return (stream, { continuation.finish() })
    }

    /// Live subscribers (each holds at most ``bufferSize`` events).
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    func publish(_ events: [EventRecord]) {
        guard !events.isEmpty else { return }
        let subscribers = state.withLock { state in
            state.lastSeq = max(state.lastSeq, events.last!.seq)
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers {
            for event in events where subscriber.keep(event) {
                if case .dropped = subscriber.continuation.yield(event) {
                    subscriber.continuation.finish()
                    subscriber.overflow(bufferSize)
                    break
                }
            }
        }
    }

    /// Ends every subscriber's stream (the engine is stopping; a server draining its streams).
    public func finishAll() {
        let subscribers = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.continuation.finish() }
    }
}
