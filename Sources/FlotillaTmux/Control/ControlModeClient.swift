import FlotillaCore
import Foundation
import Subprocess
import Synchronization

/// A tmux control-mode connection (`tmux -C attach -t SESSION`) to one session.
///
/// It streams every pane's output as it happens (`%output`), records it in a ``PaneActivity``,
/// and runs tmux commands over the same connection without starting a tmux client per command.
/// Use it only inside ``withConnection(_:session:activity:_:)``, which owns its lifetime.
public final class ControlModeClient: Sendable {
    /// Bytes one pane printed.
    public struct PaneOutput: Sendable {
        public var pane: String
        public var bytes: [UInt8]
    }

    private struct State {
        var pending: [CheckedContinuation<[String], any Error>] = []
        var closed = false
        var subscribers: [Int: AsyncStream<PaneOutput>.Continuation] = [:]
        var nextSubscriber = 0
    }

    /// When each pane of the session last printed.
    public let activity: PaneActivity
    private let state = Mutex(State())
    private let outbound: AsyncStream<String>.Continuation

    private init(activity: PaneActivity, outbound: AsyncStream<String>.Continuation) {
        self.activity = activity
        self.outbound = outbound
    }

    /// Attaches a control client to `session`, runs `body` with it, and detaches when `body`
    /// returns or throws.
    public static func withConnection<Result: Sendable>(
        _ tmux: Tmux,
        session: String,
        activity: PaneActivity = PaneActivity(),
        _ body: (ControlModeClient) async throws -> Result
    ) async throws -> Result {
        let (commands, outbound) = AsyncStream.makeStream(of: String.self)
        let client = ControlModeClient(activity: activity, outbound: outbound)
        let arguments = Arguments(tmux.configuration.globalArguments + ["-C", "attach-session", "-t", "=\(session)"])
        let outcome = try await Subprocess.run(
            .name(tmux.configuration.executable),
            arguments: arguments,
            input: .inputWriter,
            output: .sequence,
            error: .discarded
        ) { execution -> Swift.Result<Result, any Error> in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await line in commands {
                        do { _ = try await execution.standardInputWriter.write(line + "\n") } catch { break }
                    }
                    try? await execution.standardInputWriter.finish()
                }
                group.addTask {
                    await client.read(execution.standardOutput)
                }
                let result: Swift.Result<Result, any Error>
                do { result = .success(try await body(client)) } catch { result = .failure(error) }
                outbound.finish()
                await group.waitForAll()
                return result
            }
        }
        return try outcome.closureResult.get()
    }

    /// Runs one tmux command line over the connection and returns its output lines.
    /// Arguments must already be quoted for tmux's parser (see ``quote(_:)``).
    public func command(_ line: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                // Replies arrive in the order commands were written; appending under the same
                // lock as the write keeps both orders equal.
                state.pending.append(continuation)
                outbound.yield(line)
                return true
            }
            if !accepted { continuation.resume(throwing: TmuxError(.controlClosed, "the control-mode connection is closed")) }
        }
    }

    /// The visible screen of `pane`, captured over the connection.
    public func capture(_ pane: String) async throws -> String {
        try await command("capture-pane -p -t \(Self.quote(pane))").joined(separator: "\n") + "\n"
    }

    /// Output of `pane` (or every pane when nil) from now until the connection closes.
    public func subscribe(pane: String? = nil) -> AsyncStream<PaneOutput> {
        let (stream, continuation) = AsyncStream.makeStream(of: PaneOutput.self, bufferingPolicy: .bufferingNewest(4096))
        let id = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            defer { state.nextSubscriber += 1 }
            state.subscribers[state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        guard let pane else { return stream }
        return AsyncStream { output in
            let task = _Concurrency.Task {
                for await chunk in stream where chunk.pane == pane { output.yield(chunk) }
                output.finish()
            }
            output.onTermination = { _ in task.cancel() }
        }
    }

    /// Quotes one argument for tmux's command parser (single quotes; a `'` inside is closed,
    /// escaped and reopened).
    public static func quote(_ argument: String) -> String {
        "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func read(_ output: SubprocessOutputSequence) async {
        var parser = ControlModeParser()
        var line: [UInt8] = []
        do {
            for try await buffer in output {
                buffer.withUnsafeBytes { bytes in
                    for byte in bytes {
                        if byte == 10 {
                            if let event = parser.feed(line) { handle(event) }
                            line.removeAll(keepingCapacity: true)
                        } else {
                            line.append(byte)
                        }
                    }
                }
            }
        } catch {}
        close()
    }

    private func handle(_ event: ControlModeParser.Event) {
        switch event {
        case .output(let pane, let bytes):
            activity.record(pane: pane)
            let subscribers = state.withLock { Array($0.subscribers.values) }
            for subscriber in subscribers { subscriber.yield(PaneOutput(pane: pane, bytes: bytes)) }
        case .reply(let lines, let success):
            let continuation = state.withLock { state in state.pending.isEmpty ? nil : state.pending.removeFirst() }
            if success {
                continuation?.resume(returning: lines)
            } else {
                let message = lines.joined(separator: " ")
                let code: TmuxError.Code = Tmux.isMissingTarget(message) ? .paneNotFound : .commandFailed
                continuation?.resume(throwing: TmuxError(code, message))
            }
        case .exit:
            close()
        case .notification:
            break
        }
    }

    private func close() {
        let (pending, subscribers) = state.withLock { state in
            state.closed = true
            defer {
                state.pending.removeAll()
                state.subscribers.removeAll()
            }
            return (state.pending, Array(state.subscribers.values))
        }
        for continuation in pending { continuation.resume(throwing: TmuxError(.controlClosed, "the control-mode connection closed")) }
        for subscriber in subscribers { subscriber.finish() }
        activity.wakeAll()
    }
}
