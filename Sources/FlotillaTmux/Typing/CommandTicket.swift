import Synchronization

/// A queued command's claim on its own fate: it can be cancelled while it waits (for its turn,
/// for the agent to become ready, for a retry), never once its keys started going into the
/// pane, so a cancelled command leaves nothing half-typed behind.
///
/// The owner of the command's task waits on ``cancelled()`` beside the typing and cancels the
/// typing task when it returns; ``CommandQueue`` calls ``beginTyping()`` right before the
/// first key.
public final class CommandTicket: Sendable {
    public enum Phase: Sendable, Hashable {
        case waiting
        case typing
        case cancelled
    }

    private let phase = Mutex(Phase.waiting)
    private let signal: AsyncStream<Void>
    private let trigger: AsyncStream<Void>.Continuation

    public init() {
        (signal, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public var current: Phase { phase.withLock { $0 } }

    /// Cancels the command if it has not started typing; returns whether it did.
    public func cancel() -> Bool {
        let cancelled = phase.withLock { phase -> Bool in
            guard phase == .waiting else { return phase == .cancelled }
            phase = .cancelled
            return true
        }
        if cancelled { trigger.finish() }
        return cancelled
    }

    /// Marks the start of typing; false when the command was cancelled first.
    public func beginTyping() -> Bool {
        phase.withLock { phase in
            if phase == .cancelled { return false }
            phase = .typing
            return true
        }
    }

    /// Returns once the command is cancelled, or when the calling task is cancelled.
    public func cancelled() async {
        for await _ in signal {}
    }
}
