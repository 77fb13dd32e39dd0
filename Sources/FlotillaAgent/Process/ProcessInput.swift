import Foundation
import Subprocess
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child's standard input kept open while it runs, for programs driven by a conversation
/// on stdio (Claude Code's stream-json input, JSON-RPC servers such as `codex app-server`,
/// ACP agents). Set it as ``ProcessSpec/input``; then ``send(line:)`` from anywhere — the output
/// handler included, which cannot await — and ``close()`` when the conversation is over.
///
/// Writes go out in the order they were sent, one writer at a time, so two lines never
/// interleave. What is sent before the program has started is written as soon as it has; what
/// is sent after ``close()`` or after the program has ended is dropped (the program cannot
/// read it any more, and its output says how it ended). Used by one run only.
public final class ProcessInput: Sendable {
    enum Command: Sendable {
        case bytes([UInt8])
        case close
    }

    private let commands: AsyncStream<Command>
    private let continuation: AsyncStream<Command>.Continuation
    private let state = Mutex(State())

    private struct State {
        var closed = false
        var sentBytes = 0
        var writtenBytes = 0
    }

    public init() {
        (commands, continuation) = AsyncStream.makeStream(of: Command.self)
        // A write to a program that has exited would otherwise end the agent with SIGPIPE; the
        // write fails with EPIPE instead. Children start with default dispositions (Subprocess
        // resets every signal when it spawns), so this does not leak into them.
        _ = Self.ignoreBrokenPipes
    }

    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Sends `line` and a newline. Never blocks; false when stdin was already closed.
    @discardableResult
    public func send(line: String) -> Bool {
        send(bytes: Array((line + "\n").utf8))
    }

    /// Sends bytes as they are. Never blocks; false when stdin was already closed.
    @discardableResult
    public func send(bytes: [UInt8]) -> Bool {
        let open = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.sentBytes += bytes.count
            return true
        }
        guard open else { return false }
        continuation.yield(.bytes(bytes))
        return true
    }

    /// Closes the child's stdin (it reads end-of-file) after what was sent before. Idempotent.
    public func close() {
        let first = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        if first {
            continuation.yield(.close)
            continuation.finish()
        }
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Bytes the child has been given so far (for tests and logs).
    public var writtenBytes: Int { state.withLock { $0.writtenBytes } }

    /// The run is over: later sends are dropped.
    func ended() {
        state.withLock { $0.closed = true }
        continuation.finish()
    }

    /// Feeds the commands to the running child's stdin until closed, the child stops reading,
    /// or the run ends (the task is cancelled). Runs inside ``ProcessRunner/run``.
    func pump(into writer: StandardInputWriter) async {
        for await command in commands {
            switch command {
            case .bytes(let bytes):
                do {
                    _ = try await writer.write(bytes)
                    state.withLock { $0.writtenBytes += bytes.count }
                } catch {
                    // The child closed its stdin or exited: nothing more can reach it.
                    close()
                    try? await writer.finish()
                    return
                }
            case .close:
                try? await writer.finish()
                return
            }
        }
        try? await writer.finish()
    }
}
