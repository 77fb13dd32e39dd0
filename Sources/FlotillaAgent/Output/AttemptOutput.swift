import FlotillaCore
import Synchronization

/// What one attempt printed, waiting to be streamed to the hub (`output` messages).
///
/// The executor's readers append whatever arrives and never wait: the buffer is bounded, so
/// when the hub link is slower than the program, the oldest unsent bytes are dropped; bytes
/// over the rate limit are dropped as they come. Each gap becomes one line
/// `[flotilla: N bytes of output skipped]` where it happened. A sender takes frames out
/// (``take(maxBytes:)``) on its own schedule.
public final class AttemptOutput: Sendable {
    /// Bounds on one attempt's stream.
    public struct Limits: Sendable, Hashable {
        /// Unsent bytes held at most. Default 1 MiB (a second at the default rate: bursts fit).
        public var bufferBytes: Int
        /// Bytes a second streamed at most (over a one-second burst); 0 streams nothing.
        /// Default 1 MiB.
        public var bytesPerSecond: Int
        /// How long the sender gathers output after its first bytes before it sends it, as
        /// one frame. Default 100 ms.
        public var interval: Duration
        /// Largest frame's text. Default 128 KiB: escaped as JSON (a control character takes six
        /// bytes) it stays under the hub's 1 MiB message limit.
        public var frameBytes: Int

        public init(bufferBytes: Int = 1 << 20, bytesPerSecond: Int = 1 << 20, interval: Duration = .milliseconds(100), frameBytes: Int = 128 << 10) {
            self.bufferBytes = max(1 << 10, bufferBytes)
            self.bytesPerSecond = max(0, bytesPerSecond)
            self.interval = interval
            self.frameBytes = max(1 << 10, frameBytes)
        }
    }

    struct State {
        var storage: [UInt8] = []
        var head = 0
        /// Bytes dropped from the front of the buffer (the link was slow), not yet reported.
        var droppedFront = 0
        /// Bytes refused by the rate limit since the last accepted ones, not yet reported.
        var refused = 0
        /// The newest refused bytes (at most ``refusedTailBytes``): a program's last lines are
        /// the ones people look for, so they are sent at the end whatever the rate.
        var refusedTail: [UInt8] = []
        var tokens: Double
        var refilledAt = ContinuousClock.now
        /// Whether the text sent (or pending) so far ends a line, so a notice starts one.
        var atLineStart = true
        var closed = false
        /// Wakes a sender gathering output (``gather(for:)``) once half the buffer is full.
        var pressure: AsyncStream<Void>.Continuation?
        /// Every byte ever skipped, for tests and logs.
        var skippedTotal = 0

        var count: Int { storage.count - head }
    }

    public let limits: Limits
    private let state: Mutex<State>
    private let wakes: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)

    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.state = Mutex(State(tokens: Double(limits.bytesPerSecond)))
        self.wakes = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Yields when output arrives on an empty buffer; ends after ``close()``.
    var arrivals: AsyncStream<Void> { wakes.stream }

    /// Appends raw output (stdout and stderr interleaved as they arrive).
    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        var pressed: AsyncStream<Void>.Continuation?
        defer { pressed?.yield() }
        let wake = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            defer {
                if state.count >= limits.bufferBytes / 2, let pressure = state.pressure {
                    state.pressure = nil
                    pressed = pressure
                }
            }
            let wasEmpty = state.count == 0
            let allowed = admit(bytes.count, &state)
            if allowed < bytes.count {
                state.refusedTail.append(contentsOf: bytes[allowed...].suffix(Self.refusedTailBytes))
                if state.refusedTail.count > Self.refusedTailBytes { state.refusedTail.removeFirst(state.refusedTail.count - Self.refusedTailBytes) }
            }
            guard allowed > 0 else { return false }
            if state.refused > 0 {
                note(state.refused, &state)
                state.refused = 0
                state.refusedTail = []
            }
            state.storage.append(contentsOf: bytes.prefix(allowed))
            state.atLineStart = bytes[allowed - 1] == UInt8(ascii: "\n")
            if state.count > limits.bufferBytes { dropFront(&state) }
            return wasEmpty
        }
        if wake { wakes.continuation.yield() }
    }

    /// Appends a line of text (a newline is added).
    public func append(line: String) {
        var text = line + "\n"
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes of `count` the rate limit lets through now (a token bucket of one second).
    private func admit(_ count: Int, _ state: inout State) -> Int {
        let now = ContinuousClock.now
        let rate = Double(limits.bytesPerSecond)
        let elapsed = now - state.refilledAt
        state.refilledAt = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        state.tokens = min(rate, state.tokens + seconds * rate)
        // A chunk goes whole or not at all (no torn lines, no trickle of fragments as the
        // bucket refills); only a chunk bigger than a second's worth is cut.
        let tokens = Int(state.tokens)
        let allowed = count <= tokens ? count : (count > limits.bytesPerSecond ? tokens : 0)
        state.tokens -= Double(allowed)
        state.refused += count - allowed
        state.skippedTotal += count - allowed
        return allowed
    }

    /// Drops the oldest unsent bytes down to the bound, then on to the next line start (so the
    /// kept text starts whole), and remembers how many for the notice.
    private func dropFront(_ state: inout State) {
        var drop = state.count - limits.bufferBytes
        let end = min(state.storage.count, state.head + drop + 4096)
        if let newline = state.storage[(state.head + drop)..<end].firstIndex(of: UInt8(ascii: "\n")) {
            drop = newline + 1 - state.head
        }
        state.head += drop
        state.droppedFront += drop
        state.skippedTotal += drop
        if state.head > state.storage.count / 2 {
            state.storage.removeFirst(state.head)
            state.head = 0
        }
    }

    /// Appends the notice for `count` skipped bytes at the end of what is pending.
    private func note(_ count: Int, _ state: inout State) {
        state.storage.append(contentsOf: Self.notice(count, atLineStart: state.atLineStart))
        state.atLineStart = true
    }

    static func notice(_ count: Int, atLineStart: Bool) -> [UInt8] {
        Array(((atLineStart ? "" : "\n") + "[flotilla: \(count) bytes of output skipped]\n").utf8)
    }

    /// The next frame's text (at most ``Limits/frameBytes`` and whole UTF-8 characters), or
    /// nil when nothing is pending.
    public func take() -> String? {
        state.withLock { state -> String? in
            var out: [UInt8] = []
            if state.droppedFront > 0 {
                // The gap is before everything pending; whether it cut a line is unknown.
                out = Self.notice(state.droppedFront, atLineStart: true)
                state.droppedFront = 0
            }
            let available = state.count
            var length = min(available, max(0, limits.frameBytes - out.count))
            if length < available {
                let window = state.storage[(state.head)..<(state.head + length)]
                // End on a line when one ends in the frame's second half, else on a character.
                if let newline = window.lastIndex(of: UInt8(ascii: "\n")), newline - state.head >= length / 2 {
                    length = newline + 1 - state.head
                } else {
                    length -= UTF8Cut.incompleteSuffix(window)
                }
            }
            out.append(contentsOf: state.storage[state.head..<(state.head + length)])
            state.head += length
            if state.head == state.storage.count {
                state.storage.removeAll(keepingCapacity: true)
                state.head = 0
            }
            return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
        }
    }

    /// Waits `interval` for more output to gather into one frame, or less once half the buffer
    /// is full (a burst must not overflow it while the sender waits), or none once closed.
    func gather(for interval: Duration) async {
        let (filled, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let ready = state.withLock { state -> Bool in
            guard !state.closed, state.count < limits.bufferBytes / 2 else { return true }
            state.pressure = continuation
            return false
        }
        guard !ready else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await _Concurrency.Task.sleep(for: interval) }
            group.addTask { for await _ in filled { break } }
            await group.next()
            group.cancelAll()
        }
        state.withLock { $0.pressure = nil }
        continuation.finish()
    }

    /// Refused bytes kept to end the output with. 4 KiB.
    static let refusedTailBytes = 4096

    /// No more output: the sender sends what is left and stops. Output refused at the end is
    /// reported, followed by its last lines (whatever the rate).
    public func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            guard state.refused > 0 else { return }
            var tail = state.refusedTail[...]
            // Whole lines only, unless the tail is one long line.
            if tail.count < state.refused, let newline = tail.firstIndex(of: UInt8(ascii: "\n")), newline + 1 < tail.endIndex {
                tail = tail[(newline + 1)...]
            }
            // The tail may hold every refused byte: then nothing was skipped, and no notice says 0.
            if state.refused > tail.count { note(state.refused - tail.count, &state) }
            state.skippedTotal -= tail.count
            state.storage.append(contentsOf: tail)
            state.refused = 0
            state.refusedTail = []
        }
        wakes.continuation.finish()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Bytes skipped so far (slow link or rate limit).
    public var skippedBytes: Int { state.withLock { $0.skippedTotal } }

    /// Whether nothing waits to be sent.
    public var isEmpty: Bool { state.withLock { $0.count == 0 && $0.droppedFront == 0 } }
}
